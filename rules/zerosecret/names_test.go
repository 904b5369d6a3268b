package zerosecret

import (
	"reflect"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		"privateKey":   {"private", "key"},
		"APIKey":       {"api", "key"},
		"api_key":      {"api", "key"},
		"key2":         {"key", "2"},
		"tokenizer":    {"tokenizer"},
		"HTTPToken":    {"http", "token"},
		"userPassword": {"user", "password"},
		"x":            {"x"},
	} {
		if got := splitWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchWords(t *testing.T) {
	words := Sensitive.Default.([]string)
	for name, want := range map[string]bool{
		"password":      true,
		"Password":      true,
		"userPassword":  true,
		"password_buf":  true,
		"passwordBytes": true,
		"token":         true,
		"tokenBuf":      true,
		"accessToken2":  true,
		"privateKey":    true,
		"private_key":   true,
		"privKey":       true,
		"privkey":       true,
		"APIKey":        true,
		"apiKey":        true,
		"secretKey":     true,
		"credentials":   false,
		"tokenizer":     false,
		"tokens":        false,
		"tokenIDs":      false,
		"tokenCount":    false,
		"passwordHash":  false,
		"keys":          false,
		"keyFunc":       false,
		"key":           false,
		"publicKey":     false,
		"secretary":     false,
	} {
		if got := matchWords(name, words); got != want {
			t.Errorf("matchWords(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{"key": true, "aesKey": true, "keyBytes": true, "keys": false, "keyFunc": false, "monkey": false} {
		if got := matchWords(name, []string{"key"}); got != want {
			t.Errorf("matchWords(%q, key) = %v, want %v", name, got, want)
		}
	}
}
