package export

import (
	"slices"
	"strconv"
	"strings"

	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/request"
)

// Client is the FranceConnect `client` document of one service provider,
// as FranceConnect stores it (../shared/reference/franceconnect.md),
// without what FranceConnect generates at provisioning: `key` (the
// client_id) and `client_secret`.
//
// The fields are declared in the byte order of their JSON names, so that
// the encoded document has sorted keys. Optional fields that FranceConnect
// leaves out of its documents when unset (sector_identifier_uri, jwks_uri,
// entityId, platform) are omitted when empty; every list is present, empty
// when there is nothing in it.
type Client struct {
	IPServerAddressesAndRanges   []string `json:"IPServerAddressesAndRanges"`
	Active                       bool     `json:"active"`
	Claims                       []string `json:"claims"`
	Eidas                        int      `json:"eidas"`
	Email                        string   `json:"email"`
	EntityID                     string   `json:"entityId,omitempty"`
	IDTokenEncryptedResponseAlg  string   `json:"id_token_encrypted_response_alg"`
	IDTokenEncryptedResponseEnc  string   `json:"id_token_encrypted_response_enc"`
	IDTokenSignedResponseAlg     string   `json:"id_token_signed_response_alg"`
	IdentityConsent              bool     `json:"identityConsent"`
	IdpFilterExclude             bool     `json:"idpFilterExclude"`
	IdpFilterList                []string `json:"idpFilterList"`
	JWKSURI                      string   `json:"jwks_uri,omitempty"`
	Name                         string   `json:"name"`
	Platform                     string   `json:"platform,omitempty"`
	PostLogoutRedirectURIs       []string `json:"post_logout_redirect_uris"`
	RedirectURIs                 []string `json:"redirect_uris"`
	RepScope                     []string `json:"rep_scope"`
	Scopes                       []string `json:"scopes"`
	SectorIdentifierURI          string   `json:"sector_identifier_uri,omitempty"`
	SignupID                     string   `json:"signup_id"`
	Site                         []string `json:"site"`
	Title                        string   `json:"title"`
	Type                         string   `json:"type"`
	UserinfoEncryptedResponseAlg string   `json:"userinfo_encrypted_response_alg"`
	UserinfoEncryptedResponseEnc string   `json:"userinfo_encrypted_response_enc"`
	UserinfoSignedResponseAlg    string   `json:"userinfo_signed_response_alg"`
}

// CorePlatform is the `platform` value of FranceConnect's documents; the
// FranceConnect+ documents have none.
const CorePlatform = "CORE_FCP"

// Defaults FranceConnect's own creation paths fill in
// (csmr-import-core default-service-provider-low-value.ts).
const (
	defaultType  = "public"
	defaultClaim = "amr"
)

// ClientOf returns the client document of a request. The request is
// expected to be valid (the export re-validates the tree first); a request
// of an unknown platform still gives a document, without the platform's
// defaults.
func ClientOf(r *request.Request) Client {
	p := catalog.Get().Platform(r.Platform)
	c := Client{
		IPServerAddressesAndRanges: list(r.IPAddresses),
		Active:                     true,
		Claims:                     []string{defaultClaim},
		Email:                      strings.Join(r.Contacts, ","),
		IDTokenSignedResponseAlg:   r.Signature,
		IdentityConsent:            false,
		IdpFilterExclude:           true,
		IdpFilterList:              []string{},
		JWKSURI:                    r.JWKSURI,
		Name:                       r.DisplayName,
		PostLogoutRedirectURIs:     list(r.PostLogoutURIs),
		RedirectURIs:               list(r.RedirectURIs),
		RepScope:                   []string{},
		Scopes:                     catalog.Get().NormalizeScopes(r.Platform, r.Scopes),
		SectorIdentifierURI:        r.SectorIdentifierURI,
		SignupID:                   request.DatapassDigits(r.Datapass),
		Site:                       []string{r.Site},
		Title:                      r.DisplayName,
		Type:                       defaultType,
		UserinfoSignedResponseAlg:  r.Signature,
	}
	if r.ReuseSubs != nil {
		c.EntityID = r.ReuseSubs.ClientID
	}
	eidas := r.Eidas
	if p != nil {
		if eidas == "" {
			eidas = p.Eidas.Default
		}
		if p.Encrypts() {
			c.IDTokenEncryptedResponseAlg = r.Encryption
			c.UserinfoEncryptedResponseAlg = r.Encryption
			c.IDTokenEncryptedResponseEnc = p.Encryption.Enc
			c.UserinfoEncryptedResponseEnc = p.Encryption.Enc
		}
		if r.Platform == request.FranceConnect {
			c.Platform = CorePlatform
		}
	}
	c.Eidas = EidasLevel(eidas)
	return c
}

// EidasLevel is the number FranceConnect stores for an eIDAS level of the
// format ("eidas2" → 2); 0 for anything else.
func EidasLevel(s string) int {
	n, ok := strings.CutPrefix(s, "eidas")
	if !ok {
		return 0
	}
	level, err := strconv.Atoi(n)
	if err != nil || level < 1 || level > 3 {
		return 0
	}
	return level
}

// list returns a copy of items, never nil: FranceConnect's lists are
// always present.
func list(items []string) []string {
	if items == nil {
		return []string{}
	}
	return slices.Clone(items)
}

// field is one top-level field of a client document, for comparisons.
type field struct {
	name string
	get  func(c *Client) any
}

// clientFields lists every field of Client with its JSON name, in the
// order of the document. TestClientFieldsComplete checks it against the
// struct.
var clientFields = []field{
	{"IPServerAddressesAndRanges", func(c *Client) any { return c.IPServerAddressesAndRanges }},
	{"active", func(c *Client) any { return c.Active }},
	{"claims", func(c *Client) any { return c.Claims }},
	{"eidas", func(c *Client) any { return c.Eidas }},
	{"email", func(c *Client) any { return c.Email }},
	{"entityId", func(c *Client) any { return c.EntityID }},
	{"id_token_encrypted_response_alg", func(c *Client) any { return c.IDTokenEncryptedResponseAlg }},
	{"id_token_encrypted_response_enc", func(c *Client) any { return c.IDTokenEncryptedResponseEnc }},
	{"id_token_signed_response_alg", func(c *Client) any { return c.IDTokenSignedResponseAlg }},
	{"identityConsent", func(c *Client) any { return c.IdentityConsent }},
	{"idpFilterExclude", func(c *Client) any { return c.IdpFilterExclude }},
	{"idpFilterList", func(c *Client) any { return c.IdpFilterList }},
	{"jwks_uri", func(c *Client) any { return c.JWKSURI }},
	{"name", func(c *Client) any { return c.Name }},
	{"platform", func(c *Client) any { return c.Platform }},
	{"post_logout_redirect_uris", func(c *Client) any { return c.PostLogoutRedirectURIs }},
	{"redirect_uris", func(c *Client) any { return c.RedirectURIs }},
	{"rep_scope", func(c *Client) any { return c.RepScope }},
	{"scopes", func(c *Client) any { return c.Scopes }},
	{"sector_identifier_uri", func(c *Client) any { return c.SectorIdentifierURI }},
	{"signup_id", func(c *Client) any { return c.SignupID }},
	{"site", func(c *Client) any { return c.Site }},
	{"title", func(c *Client) any { return c.Title }},
	{"type", func(c *Client) any { return c.Type }},
	{"userinfo_encrypted_response_alg", func(c *Client) any { return c.UserinfoEncryptedResponseAlg }},
	{"userinfo_encrypted_response_enc", func(c *Client) any { return c.UserinfoEncryptedResponseEnc }},
	{"userinfo_signed_response_alg", func(c *Client) any { return c.UserinfoSignedResponseAlg }},
}

// FieldNames returns the JSON names of the client's fields, in document
// order.
func FieldNames() []string {
	out := make([]string, len(clientFields))
	for i, f := range clientFields {
		out[i] = f.name
	}
	return out
}

// Field returns the value of the field named name ("scopes"), and whether
// the client has such a field.
func (c *Client) Field(name string) (any, bool) {
	for _, f := range clientFields {
		if f.name == name {
			return f.get(c), true
		}
	}
	return nil, false
}

// equalValue compares two field values of the types Client holds.
func equalValue(a, b any) bool {
	switch a := a.(type) {
	case []string:
		b, ok := b.([]string)
		return ok && slices.Equal(a, b)
	case string:
		b, ok := b.(string)
		return ok && a == b
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	case int:
		b, ok := b.(int)
		return ok && a == b
	}
	return false
}
