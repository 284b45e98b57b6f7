// Hand-written bumpguard fixture: a Deps cycle (a → b → a) that upstream's own test would
// reject. Our resolvers must stay finite; the emulator reports Go's stack overflow.
package featuretags

const CLI FeatureTag = "cli"

type FeatureTag string

func (ft FeatureTag) IsOmittable() bool {
	switch ft {
	case CLI:
		return false
	}
	return true
}

type FeatureMeta struct {
	Sym  string
	Desc string
	Deps []FeatureTag
}

var Features = map[FeatureTag]FeatureMeta{
	"a":   {Sym: "A", Desc: "needs b", Deps: []FeatureTag{"b"}},
	"b":   {Sym: "B", Desc: "needs a", Deps: []FeatureTag{"a"}},
	"c":   {Sym: "C", Desc: "needs a", Deps: []FeatureTag{"a"}},
	"cli": {Sym: "CLI", Desc: "the CLI"},
	"d":   {Sym: "D", Desc: "standalone"},
}
