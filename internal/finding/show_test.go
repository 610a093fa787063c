package finding

import (
	"strings"
	"testing"
)

func TestLooksSecret(t *testing.T) {
	tests := []struct {
		token string
		want  bool
	}{
		{"3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a", true}, // FC client_secret
		{"211286433E39CCE01DB448D80181BDFD", true},                                 // 32 hex
		{"ghp_16C7e42F292c6912E7710c838347Ae178B4a", true},                         // GitHub token
		{"AKIAIOSFODNN7EXAMPLEaaaa", true},
		{"https://portail.commune-00042.fr/v2/oidc/callback", false},
		{"portail-famille.villeurbanne.fr", false},
		{"commune-00042-portail-citoyen", false}, // no capital: a name
		{"franceconnect-plus", false},
		{"0123456789", false},
		{"Lyon - Portail Famille", false},
		{"abcdefabcdefabcdefabcdefabcdefab", false}, // hex without a digit: a word
	}
	for _, tt := range tests {
		if got := LooksSecret(tt.token); got != tt.want {
			t.Errorf("LooksSecret(%q) = %v, want %v", tt.token, got, tt.want)
		}
	}
}

func TestMaskSecretsKeepsURLs(t *testing.T) {
	line := "  redirectUris: [https://127.1.example.fr/Auth2Callback/v2, x] # secret: 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a"
	got := MaskSecrets(line)
	if !strings.Contains(got, "https://127.1.example.fr/Auth2Callback/v2") {
		t.Errorf("URL masked: %s", got)
	}
	if strings.Contains(got, "3f9a8b7c") || len([]rune(got)) != len([]rune(line)) {
		t.Errorf("secret not masked, or layout changed: %s", got)
	}
}

func TestShow(t *testing.T) {
	if got := Show("3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a"); got != "•••" {
		t.Errorf("secret shown: %s", got)
	}
	if got := Show("a\nb\x1b[31m"); strings.ContainsAny(got, "\n\x1b") {
		t.Errorf("control characters kept: %q", got)
	}
	if got := Show(strings.Repeat("é", 100)); len([]rune(got)) != 61 {
		t.Errorf("not truncated to 60 characters and an ellipsis: %d", len([]rune(got)))
	}
}
