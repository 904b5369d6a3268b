package rule

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An analysis may ask for another one while it runs, and each runs once
// per package however many rules ask.
func TestResultsComputeOnceAndNest(t *testing.T) {
	runs := map[string]int{}
	inner := &Analysis{Name: "inner", ResultType: reflect.TypeOf(0), Run: func(*Pass) any {
		runs["inner"]++
		return 1
	}}
	outer := &Analysis{Name: "outer", ResultType: reflect.TypeOf(0), Run: func(p *Pass) any {
		runs["outer"]++
		return p.ResultOf(inner).(int) + 1
	}}
	p := NewPass(PassConfig{})
	assert.Equal(t, 2, p.ResultOf(outer))
	assert.Equal(t, 2, p.ResultOf(outer))
	assert.Equal(t, 1, p.ResultOf(inner))
	assert.Equal(t, map[string]int{"inner": 1, "outer": 1}, runs)
}
