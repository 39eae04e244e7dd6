package calc

import (
	"hash/maphash"
	"strings"
)

// interner gives each distinct string a small index, once. It is an
// open-addressing table of (hash tag, index) pairs: a lookup touches one
// slot and, on a tag match, the string it confirms against. A Go map of
// strings costs about three times as much here, mostly cache misses while
// comparing keys.
type interner struct {
	seed  maphash.Seed
	slots []slot
	strs  []string // by index
}

type slot struct {
	tag uint32 // high bits of the hash
	idx uint32 // index + 1; 0 is an empty slot
}

func newInterner() interner {
	return interner{seed: maphash.MakeSeed(), slots: make([]slot, 1024)}
}

// lookup returns the index of s, adding a copy of s when it is new. Sources
// may reuse the memory behind their strings, hence the copy.
func (t *interner) lookup(s string) (idx uint32, added bool) {
	h := maphash.String(t.seed, s)
	tag := uint32(h >> 32)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := t.slots[i]
		if sl.idx == 0 {
			idx = uint32(len(t.strs))
			t.strs = append(t.strs, strings.Clone(s))
			t.slots[i] = slot{tag: tag, idx: idx + 1}
			if len(t.strs)*4 > len(t.slots)*3 {
				t.grow()
			}
			return idx, true
		}
		if sl.tag == tag && t.strs[sl.idx-1] == s {
			return sl.idx - 1, false
		}
	}
}

func (t *interner) grow() {
	slots := make([]slot, len(t.slots)*2)
	mask := uint64(len(slots) - 1)
	for i, s := range t.strs {
		h := maphash.String(t.seed, s)
		j := h & mask
		for slots[j].idx != 0 {
			j = (j + 1) & mask
		}
		slots[j] = slot{tag: uint32(h >> 32), idx: uint32(i) + 1}
	}
	t.slots = slots
}
