package calc

import "hash/maphash"

// interner gives each distinct string a small index, once. The strings
// live end to end in one byte arena, so a million lookups make no garbage
// and leave no pointers for the garbage collector to scan, and the table
// is open addressing over (hash tag, index) pairs: a lookup touches one
// slot and, on a tag match, the bytes it confirms against. A Go map of
// strings cost three times as much here, mostly in cache misses.
type interner struct {
	seed  maphash.Seed
	slots []slot
	arena []byte
	ends  []uint32 // ends[i] is where string i ends in arena
}

type slot struct {
	tag uint32 // high bits of the hash
	idx uint32 // index + 1; 0 is an empty slot
}

func newInterner() interner {
	return interner{seed: maphash.MakeSeed(), slots: make([]slot, 1024)}
}

func (t *interner) len() int { return len(t.ends) }

// bytes returns string i's bytes in the arena.
func (t *interner) bytes(i uint32) []byte {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]]
}

// get returns string i.
func (t *interner) get(i uint32) string { return string(t.bytes(i)) }

// lookup returns the index of s, adding it when it is new. s is copied:
// sources may reuse the memory behind their strings.
func (t *interner) lookup(s string) (idx uint32, added bool) {
	h := maphash.String(t.seed, s)
	tag := uint32(h >> 32)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := t.slots[i]
		if sl.idx == 0 {
			idx = uint32(len(t.ends))
			t.arena = append(t.arena, s...)
			t.ends = append(t.ends, uint32(len(t.arena)))
			t.slots[i] = slot{tag: tag, idx: idx + 1}
			if len(t.ends)*4 > len(t.slots)*3 {
				t.grow()
			}
			return idx, true
		}
		if sl.tag == tag && string(t.bytes(sl.idx-1)) == s {
			return sl.idx - 1, false
		}
	}
}

func (t *interner) grow() {
	slots := make([]slot, len(t.slots)*2)
	mask := uint64(len(slots) - 1)
	for i := range t.ends {
		h := maphash.Bytes(t.seed, t.bytes(uint32(i)))
		j := h & mask
		for slots[j].idx != 0 {
			j = (j + 1) & mask
		}
		slots[j] = slot{tag: uint32(h >> 32), idx: uint32(i) + 1}
	}
	t.slots = slots
}

// strings returns every string, in index order, as substrings of one
// copy of the arena.
func (t *interner) strings() []string {
	all := string(t.arena)
	out := make([]string, len(t.ends))
	start := uint32(0)
	for i, end := range t.ends {
		out[i] = all[start:end]
		start = end
	}
	return out
}
