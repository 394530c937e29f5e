package interop

import "testing"

// TestSDKsReplayOnANewPort runs each SDK's test as its next run would: its
// server, started again, listens on a new port, so the replays send every
// request to a port other than the recording's. dvd follows a loopback
// port that changed since the recording (issue 19, point 2).
func TestSDKsReplayOnANewPort(t *testing.T) {
	how := lifecycle{newPort: true}
	t.Run("azblob", func(t *testing.T) { testAzblob(t, "azblob/new_port", how) })
	t.Run("gcs", func(t *testing.T) { testGCS(t, "gcs/new_port", how, false) })
	t.Run("ggcr", func(t *testing.T) { testGGCRPush(t, "ggcr/new_port", how) })
	t.Run("dynamodb", func(t *testing.T) { testDynamoDB(t, "dynamodb/new_port", how) })
}
