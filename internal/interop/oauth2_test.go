package interop

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	oauth2srv "github.com/go-oauth2/oauth2/v4"
	oautherrors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/dvdrw/dvd/dvdtest"
)

// Credentials planted so that a test can look for them in the cassette.
// The server makes tokens with fixed prefixes, so that every token it gave
// out can be looked for, not only the ones the test kept.
const (
	oauthClientID     = "interop-client"
	oauthClientSecret = "CLIENTs3cr3t-interop-NEVER-in-a-cassette"
	oauthUser         = "alice"
	oauthPassword     = "PASSw0rd-interop-NEVER-in-a-cassette"
	accessPrefix      = "ACCESStok3n"
	refreshPrefix     = "REFRESHtok3n"
)

var oauthSecrets = []secret{
	{"the OAuth client secret", oauthClientSecret},
	{"the user's password", oauthPassword},
	{"an access token the server gave out", accessPrefix},
	{"a refresh token the server gave out", refreshPrefix},
}

// plantedTokens makes random tokens after a fixed prefix.
type plantedTokens struct{}

func (plantedTokens) Token(_ context.Context, _ *oauth2srv.GenerateBasic, withRefresh bool) (access, refresh string, err error) {
	access = accessPrefix + "-" + rand.Text()
	if withRefresh {
		refresh = refreshPrefix + "-" + rand.Text()
	}
	return access, refresh, nil
}

// newOAuth2Server starts an OAuth2 authorization server (go-oauth2's server
// package, with memory stores) and an API it protects, on one loopback
// server:
//
//	POST /oauth/token  the client credentials, password and refresh grants
//	GET  /api/whoami   who the bearer token speaks for
func newOAuth2Server(t *testing.T) *httptest.Server {
	t.Helper()
	m := manage.NewDefaultManager()
	m.MustTokenStorage(store.NewMemoryTokenStore())
	clients := store.NewClientStore()
	if err := clients.Set(oauthClientID, &models.Client{ID: oauthClientID, Secret: oauthClientSecret, Domain: "http://127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	m.MapClientStorage(clients)
	m.MapAccessGenerate(plantedTokens{})

	srv := server.NewDefaultServer(m)
	srv.SetPasswordAuthorizationHandler(func(_ context.Context, _, username, password string) (string, error) {
		if username == oauthUser && password == oauthPassword {
			return "user-" + username, nil
		}
		return "", nil // the server answers invalid_grant
	})
	srv.SetInternalErrorHandler(func(err error) *oautherrors.Response {
		t.Errorf("OAuth2 server: %v", err)
		return nil
	})

	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		srv.HandleTokenRequest(w, r)
	})
	mux.HandleFunc("GET /api/whoami", func(w http.ResponseWriter, r *http.Request) {
		ti, err := srv.ValidationBearerToken(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{
			"client_id": ti.GetClientID(), "user_id": ti.GetUserID(), "scope": ti.GetScope(),
		})
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// A tokenView is what an SDK's token says, without the secrets, which no
// replay can return: the cassette does not hold them.
type tokenView struct {
	TokenType  string
	ExpiresIn  int64
	Scope      any
	HasAccess  bool
	HasRefresh bool
}

func viewToken(tok *oauth2.Token) tokenView {
	return tokenView{
		TokenType: tok.TokenType, ExpiresIn: tok.ExpiresIn, Scope: tok.Extra("scope"),
		HasAccess: tok.AccessToken != "", HasRefresh: tok.RefreshToken != "",
	}
}

// An apiCall is what the protected API answered.
type apiCall struct {
	Status int
	Body   string
}

// whoami calls the protected API with the client, which adds the token.
func whoami(t *testing.T, c *http.Client, base string) apiCall {
	t.Helper()
	resp, err := c.Get(base + "/api/whoami")
	if err != nil {
		t.Fatalf("GET /api/whoami: %v", brief(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET /api/whoami: reading the body: %v", brief(err))
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/whoami: %s: %s", resp.Status, body)
	}
	return apiCall{resp.StatusCode, string(body)}
}

// tokenSecrets are the secrets of tokens an SDK got while recording.
func tokenSecrets(toks ...*oauth2.Token) []secret {
	var s []secret
	for _, tok := range toks {
		s = append(s, secret{"an access token", tok.AccessToken})
		if tok.RefreshToken != "" {
			s = append(s, secret{"a refresh token", tok.RefreshToken})
		}
	}
	return s
}

func TestOAuth2ClientCredentials(t *testing.T) {
	srv := newOAuth2Server(t)
	type result struct {
		Token tokenView
		API   apiCall
	}
	var recorded []*oauth2.Token
	rec := recordReplay(t, "oauth2/client_credentials", srv, func(t *testing.T, d *dvdtest.DVD) result {
		ctx := context.WithValue(t.Context(), oauth2.HTTPClient, sdkClient(t, d))
		cc := clientcredentials.Config{
			ClientID: oauthClientID, ClientSecret: oauthClientSecret,
			TokenURL: srv.URL + "/oauth/token", Scopes: []string{"read"},
		}
		tok, err := cc.Token(ctx)
		if err != nil {
			t.Fatalf("client credentials grant: %v", brief(err))
		}
		if d.Recording() {
			recorded = append(recorded, tok)
		}
		api := whoami(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)), srv.URL)
		return result{viewToken(tok), api}
	})
	rec.assertNoSecrets(t, slices.Concat(oauthSecrets, tokenSecrets(recorded...))...)
}

func TestOAuth2PasswordGrant(t *testing.T) {
	srv := newOAuth2Server(t)
	type result struct {
		Token, Refreshed tokenView
		API, APIAfter    apiCall
	}
	var recorded []*oauth2.Token
	rec := recordReplay(t, "oauth2/password", srv, func(t *testing.T, d *dvdtest.DVD) result {
		ctx := context.WithValue(t.Context(), oauth2.HTTPClient, sdkClient(t, d))
		conf := oauth2.Config{
			ClientID: oauthClientID, ClientSecret: oauthClientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/oauth/token"},
			Scopes:   []string{"read", "write"},
		}
		tok, err := conf.PasswordCredentialsToken(ctx, oauthUser, oauthPassword)
		if err != nil {
			t.Fatalf("password grant: %v", brief(err))
		}
		var r result
		r.Token, r.API = viewToken(tok), whoami(t, conf.Client(ctx, tok), srv.URL)

		// The refresh grant, as a client does once the access token expired.
		fresh, err := conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		if err != nil {
			t.Fatalf("refresh grant: %v", brief(err))
		}
		r.Refreshed, r.APIAfter = viewToken(fresh), whoami(t, conf.Client(ctx, fresh), srv.URL)
		if d.Recording() {
			recorded = append(recorded, tok, fresh)
		}
		return r
	})
	rec.assertNoSecrets(t, slices.Concat(oauthSecrets, tokenSecrets(recorded...))...)
}
