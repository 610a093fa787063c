// Package request is the typed form of a request file, the value the rules
// read. It is built from the JSON value leniently: a field of the wrong type
// is left empty (the schema has reported it), and list items keep their
// index so that findings point at the right element.
package request

import (
	"encoding/json"
	"strings"
)

// Platforms and environments, as written in files and directory names.
const (
	FranceConnect     = "franceconnect"
	FranceConnectPlus = "franceconnect-plus"
	Integration       = "integration"
	Production        = "production"
)

// Request is one service provider request.
type Request struct {
	APIVersion string
	Kind       string
	Name       string // metadata.name

	Platform              string
	Environment           string
	Organisation          string
	DisplayName           string
	Site                  string
	Datapass              string
	APIDatapass           string
	Editor                *Editor
	Qualification         string // digits as written; "" when absent
	PlannedProductionDate string
	RedirectURIs          []string // "" where an item is not a string
	PostLogoutURIs        []string
	SectorIdentifierURI   string
	JWKSURI               string
	IPAddresses           []string
	Signature             string
	Encryption            string
	Eidas                 string
	Scopes                []string
	ReuseSubs             *ReuseSubs
	Contacts              []string
	Notes                 string
}

// Editor is the editor that made the integration.
type Editor struct {
	ID      string
	Name    string
	Version string
}

// ReuseSubs keeps the users' subs of an existing service provider.
type ReuseSubs struct {
	From     string
	ClientID string
}

// JSON pointers of the fields, for findings.
const (
	PtrName                  = "/metadata/name"
	PtrPlatform              = "/spec/platform"
	PtrEnvironment           = "/spec/environment"
	PtrOrganisation          = "/spec/organisation"
	PtrDisplayName           = "/spec/displayName"
	PtrSite                  = "/spec/site"
	PtrDatapass              = "/spec/datapass"
	PtrAPIDatapass           = "/spec/apiDatapass"
	PtrEditor                = "/spec/editor"
	PtrEditorID              = "/spec/editor/id"
	PtrEditorName            = "/spec/editor/name"
	PtrEditorVersion         = "/spec/editor/version"
	PtrQualification         = "/spec/qualification"
	PtrPlannedProductionDate = "/spec/plannedProductionDate"
	PtrRedirectURIs          = "/spec/redirectUris"
	PtrPostLogoutURIs        = "/spec/postLogoutRedirectUris"
	PtrSectorIdentifierURI   = "/spec/sectorIdentifierUri"
	PtrJWKSURI               = "/spec/jwksUri"
	PtrIPAddresses           = "/spec/ipAddresses"
	PtrSignature             = "/spec/signature"
	PtrEncryption            = "/spec/encryption"
	PtrEidas                 = "/spec/eidas"
	PtrScopes                = "/spec/scopes"
	PtrReuseSubs             = "/spec/reuseSubs"
	PtrReuseSubsFrom         = "/spec/reuseSubs/from"
	PtrReuseSubsClientID     = "/spec/reuseSubs/clientId"
	PtrContacts              = "/spec/contacts"
	PtrNotes                 = "/spec/notes"
)

// FromValue builds a Request from a loaded JSON value. It never fails.
func FromValue(v any) *Request {
	root, _ := v.(map[string]any)
	metadata, _ := root["metadata"].(map[string]any)
	spec, _ := root["spec"].(map[string]any)
	r := &Request{
		APIVersion:            str(root["apiVersion"]),
		Kind:                  str(root["kind"]),
		Name:                  str(metadata["name"]),
		Platform:              str(spec["platform"]),
		Environment:           str(spec["environment"]),
		Organisation:          str(spec["organisation"]),
		DisplayName:           str(spec["displayName"]),
		Site:                  str(spec["site"]),
		Datapass:              str(spec["datapass"]),
		APIDatapass:           str(spec["apiDatapass"]),
		Qualification:         number(spec["qualification"]),
		PlannedProductionDate: str(spec["plannedProductionDate"]),
		RedirectURIs:          strs(spec["redirectUris"]),
		PostLogoutURIs:        strs(spec["postLogoutRedirectUris"]),
		SectorIdentifierURI:   str(spec["sectorIdentifierUri"]),
		JWKSURI:               str(spec["jwksUri"]),
		IPAddresses:           strs(spec["ipAddresses"]),
		Signature:             str(spec["signature"]),
		Encryption:            str(spec["encryption"]),
		Eidas:                 str(spec["eidas"]),
		Scopes:                strs(spec["scopes"]),
		Contacts:              strs(spec["contacts"]),
		Notes:                 str(spec["notes"]),
	}
	if e, ok := spec["editor"].(map[string]any); ok {
		r.Editor = &Editor{ID: str(e["id"]), Name: str(e["name"]), Version: str(e["version"])}
	}
	if rs, ok := spec["reuseSubs"].(map[string]any); ok {
		r.ReuseSubs = &ReuseSubs{From: str(rs["from"]), ClientID: str(rs["clientId"])}
	}
	return r
}

// IsPlus reports whether the request is for FranceConnect+.
func (r *Request) IsPlus() bool { return r.Platform == FranceConnectPlus }

// IsProduction reports whether the request is for production.
func (r *Request) IsProduction() bool { return r.Environment == Production }

// DatapassDigits returns the digits of a D number ("D12345" → "12345").
func DatapassDigits(n string) string {
	return strings.TrimLeft(n, "DH")
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func number(v any) string {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	return ""
}

func strs(v any) []string {
	items, _ := v.([]any)
	if items == nil {
		return nil
	}
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = str(item)
	}
	return out
}
