package export

import (
	"os"
	"path/filepath"
	"testing"
)

// A crash between the swap's two renames leaves the destination missing
// and the previous export aside as .out.old-*: the next export puts it back
// before it starts (and, if it then fails, the previous export is there).
func TestRestoreOldAfterCutSwap(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	old := filepath.Join(parent, ".out.old-abc")
	if err := os.MkdirAll(filepath.Join(old, "trade"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(old, ManifestName), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(old, "trade", "data_0.parquet"), []byte("x"), 0o644)
	// An old folder without a manifest is not an export: never restored.
	os.MkdirAll(filepath.Join(parent, ".out.old-partial"), 0o755)

	w, err := newWorkDir(out)
	if err != nil {
		t.Fatal(err)
	}
	w.discard()
	if b, err := os.ReadFile(filepath.Join(out, "trade", "data_0.parquet")); err != nil || string(b) != "x" {
		t.Fatalf("previous export not restored: %v", err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old folder still there: %v", err)
	}
	// With the destination present, nothing is moved.
	os.MkdirAll(filepath.Join(parent, ".out.old-def"), 0o755)
	os.WriteFile(filepath.Join(parent, ".out.old-def", ManifestName), []byte("{}"), 0o644)
	w, err = newWorkDir(out)
	if err != nil {
		t.Fatal(err)
	}
	w.discard()
	if _, err := os.Stat(filepath.Join(parent, ".out.old-def")); err != nil {
		t.Errorf("an old folder was moved although the destination exists: %v", err)
	}
}
