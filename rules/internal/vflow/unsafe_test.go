package vflow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const unsafeSrc = `package p

import "unsafe"

func yolo(buf []byte) string {
	s := *((*string)(unsafe.Pointer(&buf)))
	sink("yolo", s)
	return s
}

`

// A load through (*T)(unsafe.Pointer(&x)) reads x's location: the string
// a yoloString makes shares the parameter's storage.
func TestOriginsUnsafeReinterpret(t *testing.T) {
	f := check(t, "example.com/p", unsafeSrc, nil, nil)
	assert.Equal(t, []string{"param 0"}, f.origins(t, "yolo"))
}
