package interop

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynalite returns a start func of dynalite, a DynamoDB implementation run
// by node from internal/interop/node_modules, storing in memory. Its
// tables are ACTIVE as soon as they are created.
func dynalite(t *testing.T) startFunc {
	t.Helper()
	s := nodeServer{
		bin: findNodeServer(t, "dynalite"),
		args: []string{"--host", "{host}", "--port", "{port}",
			"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"},
		ready:    "Dynalite listening at:",
		freePort: true, // it reads --port 0 as its default, 4567
	}
	return s.start
}

// newDynamoDBClient returns a DynamoDB client of endpoint that sends its
// requests through hc and never retries. The SDK checks each response's
// X-Amz-Crc32 against its body.
func newDynamoDBClient(endpoint string, hc *http.Client) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(awsAccessKeyID, awsSecretKey, awsSessionToken),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   hc,
		Retryer:      aws.NopRetryer{},
	})
}

// attrs returns the string and number attributes of item, for a diff.
func attrs(item map[string]types.AttributeValue) map[string]string {
	m := map[string]string{}
	for k, v := range item {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			m[k] = "S:" + v.Value
		case *types.AttributeValueMemberN:
			m[k] = "N:" + v.Value
		default:
			m[k] = "?"
		}
	}
	return m
}

// TestDynamoDB creates a table, puts, gets, updates, queries and scans
// items. The SDK checks every response's X-Amz-Crc32 against its body.
func TestDynamoDB(t *testing.T) { testDynamoDB(t, "dynamodb/items", lifecycle{}) }

func testDynamoDB(t *testing.T, name string, how lifecycle) {
	type result struct {
		Table   string
		Status  types.TableStatus
		Got     map[string]string
		Updated map[string]string
		Query   []map[string]string
		Scanned int32
	}
	rec := recordRerecord(t, name, dynalite(t), how, func(t *testing.T, hc *http.Client, endpoint string) result {
		ctx := t.Context()
		c := newDynamoDBClient(endpoint, hc)
		var r result
		created, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: aws.String("orders"),
			AttributeDefinitions: []types.AttributeDefinition{
				{AttributeName: aws.String("customer"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("order"), AttributeType: types.ScalarAttributeTypeN},
			},
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("customer"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("order"), KeyType: types.KeyTypeRange},
			},
			BillingMode: types.BillingModePayPerRequest,
		})
		if err != nil {
			t.Fatalf("CreateTable: %v", brief(err))
		}
		r.Table = aws.ToString(created.TableDescription.TableName)
		desc, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
		if err != nil {
			t.Fatalf("DescribeTable: %v", brief(err))
		}
		r.Status = desc.Table.TableStatus
		for i, item := range []struct{ customer, order, what string }{
			{"ann", "1", "a kettle"}, {"ann", "2", "two mugs"}, {"bob", "1", "a teapot, blue, with a chip on its spout"},
		} {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]types.AttributeValue{
				"customer": &types.AttributeValueMemberS{Value: item.customer},
				"order":    &types.AttributeValueMemberN{Value: item.order},
				"what":     &types.AttributeValueMemberS{Value: item.what},
			}})
			if err != nil {
				t.Fatalf("PutItem %d: %v", i, brief(err))
			}
		}
		key := map[string]types.AttributeValue{
			"customer": &types.AttributeValueMemberS{Value: "ann"},
			"order":    &types.AttributeValueMemberN{Value: "2"},
		}
		got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatalf("GetItem: %v", brief(err))
		}
		r.Got = attrs(got.Item)
		upd, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String("orders"), Key: key,
			UpdateExpression:          aws.String("SET quantity = :q"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":q": &types.AttributeValueMemberN{Value: "2"}},
			ReturnValues:              types.ReturnValueAllNew,
		})
		if err != nil {
			t.Fatalf("UpdateItem: %v", brief(err))
		}
		r.Updated = attrs(upd.Attributes)
		q, err := c.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String("orders"),
			KeyConditionExpression:    aws.String("customer = :c"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":c": &types.AttributeValueMemberS{Value: "ann"}},
		})
		if err != nil {
			t.Fatalf("Query: %v", brief(err))
		}
		for _, item := range q.Items {
			r.Query = append(r.Query, attrs(item))
		}
		scan, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders")})
		if err != nil {
			t.Fatalf("Scan: %v", brief(err))
		}
		r.Scanned = scan.Count
		if r.Status != types.TableStatusActive || len(r.Query) != 2 || r.Scanned != 3 || r.Updated["quantity"] != "N:2" {
			t.Errorf("DynamoDB answered %+v", r)
		}
		return r
	})
	rec.assertNoSecrets(t, awsSecrets...)
	if !bytes.Contains(bytes.ToLower(rec.file), []byte("x-amz-crc32")) {
		t.Errorf("%s has no X-Amz-Crc32: the SDK checked no response against its body", rec.path)
	}
}
