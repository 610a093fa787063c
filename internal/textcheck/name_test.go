package textcheck

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckName(t *testing.T) {
	type want struct {
		kind    NameKind
		r       rune
		pos     int
		count   int
		leading bool
	}
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"plain", "Lyon - Portail Famille", nil},
		{"accents", "Saint-Étienne - Démarches en ligne", nil},
		{"editor form", "MyPérischool - Ville d'Évry-Courcouronnes", nil},
		{"digits and punctuation", "Paris 13e : « Mes démarches » (2027)", nil},
		{"no-break space before colon", "Lyon\u00a0: Portail", nil},
		{"combining mark without precomposed form", "Lyon q\u0301", nil},

		{"RLO", "Lyon\u202e - Famille", []want{{Invisible, 0x202e, 5, 1, false}}},
		{"zero width space", "Ly\u200bon", []want{{Invisible, 0x200b, 3, 1, false}}},
		{"soft hyphen twice", "Por\u00adtail Fa\u00admille", []want{{Invisible, 0xad, 4, 2, false}}},
		{"tag characters", "Lyon\U000E0041\U000E0042", []want{{Invisible, 0xE0041, 5, 2, false}}},
		{"newline", "Lyon\nFamille", []want{{Invisible, '\n', 5, 1, false}}},
		{"BOM", "\ufeffLyon", []want{{Invisible, 0xfeff, 1, 1, false}}},
		{"line separator", "Lyon\u2028Famille", []want{{Invisible, 0x2028, 5, 1, false}}},
		{"cyrillic i", "Lyon - Portаil", []want{{Script, 'а', 12, 1, false}}},
		{"cyrillic small i", "Vіlle de Lyon", []want{{Script, 0x456, 2, 1, false}}},
		{"greek omicron", "Lyοn", []want{{Script, 'ο', 3, 1, false}}},
		{"all cyrillic", "Лион", []want{{Script, 'Л', 1, 4, false}}},
		{"private use", "Lyon \ue000", []want{{Script, 0xe000, 6, 1, false}}},
		{"decomposed accent", "Le\u0301on", []want{{NotNFC, 0, 2, 1, false}}},
		{"leading space", " Lyon", []want{{EdgeSpace, ' ', 1, 1, true}}},
		{"trailing space", "Lyon ", []want{{EdgeSpace, ' ', 5, 1, false}}},
		{"trailing no-break space", "Lyon\u00a0", []want{{EdgeSpace, 0xa0, 5, 1, false}}},
		{"double space", "Lyon  - Famille", []want{{DoubleSpace, ' ', 6, 1, false}}},
		{"only a space", " ", []want{{EdgeSpace, ' ', 1, 1, true}}},
		{"space then tab", "Lyon \t- Famille", []want{{Invisible, '\t', 6, 1, false}, {DoubleSpace, '\t', 6, 1, false}}},
		{"no-break spaces", "Lyon\u00a0\u00a0Famille", []want{{DoubleSpace, 0xa0, 6, 1, false}}},
		{"several problems", " Lyоn\u200b  ", []want{
			{Invisible, 0x200b, 6, 1, false}, {Script, 'о', 4, 1, false},
			{EdgeSpace, ' ', 1, 1, true}, {EdgeSpace, ' ', 8, 1, false}, {DoubleSpace, ' ', 8, 1, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckName(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("CheckName(%+q) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Kind != w.kind || (w.kind != NotNFC && g.Rune != w.r) || g.Pos != w.pos || g.Count != w.count || g.Leading != w.leading {
					t.Errorf("CheckName(%+q)[%d] = %+v, want %+v", tt.in, i, g, w)
				}
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Lyon - Portail Famille", "Lyon - Portail Famille", true},
		{"Lyon\u202e - Famille", "Lyon - Famille", true},
		{"Ly\u200bon", "Lyon", true},
		{"Vіlle de Lyon", "Ville de Lyon", true},
		{"Le\u0301on", "Léon", true},
		{"  Lyon  -   Famille ", "Lyon - Famille", true},
		{"Lyon\n- Famille", "Lyon - Famille", true},
		{"Lyon\u00a0: Portail", "Lyon\u00a0: Portail", true},
		{"Lyon 里昂", "Lyon 里昂", false},
		{"\u200b \u202e", "", true},
		{"Lyon\xff", "Lyon", true},
	}
	for _, tt := range tests {
		got, ok := CleanName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CleanName(%+q) = %+q, %v; want %+q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNames(t *testing.T) {
	if fr, en := CharName(0x202e); fr != "forçage droite-à-gauche" || en != "RIGHT-TO-LEFT OVERRIDE" {
		t.Errorf("CharName(U+202E) = %q, %q", fr, en)
	}
	if fr, _ := CharName(0xE0041); fr != "étiquette Unicode" {
		t.Errorf("CharName(U+E0041) = %q", fr)
	}
	if fr, _ := CharName(0x1); fr != "caractère de contrôle" {
		t.Errorf("CharName(U+0001) = %q", fr)
	}
	if fr, en := ScriptName(0x456); fr != "cyrillique" || en != "Cyrillic" {
		t.Errorf("ScriptName(U+0456) = %q, %q", fr, en)
	}
	if _, en := ScriptName('ހ'); en != "Thaana" {
		t.Errorf("ScriptName(Thaana) = %q", en)
	}
	if _, en := ScriptName(0xe000); !strings.Contains(en, "private use") {
		t.Errorf("ScriptName(U+E000) = %q", en)
	}
	if got := CodePoint(0x200b); got != "U+200B" {
		t.Errorf("CodePoint = %q", got)
	}
	if got := CodePoint(0xE0041); got != "U+E0041" {
		t.Errorf("CodePoint = %q", got)
	}
}

// FuzzName checks that the name checks never panic, that positions stay in
// the name, and that the clean form is clean (when it could be completed).
func FuzzName(f *testing.F) {
	for _, s := range []string{"Lyon - Portail Famille", "Lyon\u202e - Famille", "Vіlle", "Le\u0301on", "  a  ", "\xff\xfe", "\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, is := range CheckName(s) {
			if is.Pos < 1 || is.Pos > n || is.Count < 1 {
				t.Fatalf("CheckName(%+q): issue %+v out of the name (%d characters)", s, is, n)
			}
			CharName(is.Rune)
			ScriptName(is.Rune)
		}
		clean, ok := CleanName(s)
		if !utf8.ValidString(clean) {
			t.Fatalf("CleanName(%+q) = %+q: not UTF-8", s, clean)
		}
		if ok {
			if issues := CheckName(clean); len(issues) > 0 {
				t.Fatalf("CleanName(%+q) = %+q still has %+v", s, clean, issues)
			}
		}
	})
}
