package xlsx

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// closeCounter is a ReadCloser that counts its closes.
type closeCounter struct {
	io.Reader
	closes int
}

func (c *closeCounter) Close() error { c.closes++; return nil }

// TestPrefetch reads a part through the prefetcher in reads of every
// size: the same bytes, then io.EOF; closing it early stops its
// goroutine and closes the part once.
func TestPrefetch(t *testing.T) {
	data := make([]byte, 3*prefetchChunk+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	src := &closeCounter{Reader: bytes.NewReader(data)}
	p := prefetch(src)
	var got []byte
	buf := make([]byte, 70000)
	for {
		n, err := p.Read(buf[:1+rng.IntN(len(buf))])
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, data) {
		t.Errorf("read %d bytes, not the %d written", len(got), len(data))
	}
	if err := p.Close(); err != nil || src.closes != 1 {
		t.Errorf("Close: %v, %d closes", err, src.closes)
	}

	// Closed after one read: the goroutine, blocked on a full queue,
	// stops.
	src = &closeCounter{Reader: bytes.NewReader(bytes.Repeat(data, 4))}
	p = prefetch(src)
	if _, err := p.Read(buf); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil || src.closes != 1 {
		t.Errorf("Close: %v, %d closes", err, src.closes)
	}

	// An error reading is the reader's error.
	boom := errors.New("boom")
	p = prefetch(&closeCounter{Reader: io.MultiReader(bytes.NewReader(data[:100]), errReader{boom})})
	got, err := io.ReadAll(p)
	if !errors.Is(err, boom) || len(got) != 100 {
		t.Errorf("read %d bytes, err %v; want 100 and boom", len(got), err)
	}
	p.Close()
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
