// A minimal SBOM generator for the tests, following BuildKit's
// docs/attestations/sbom-protocol.md: it lists the regular files of the
// root filesystem at $BUILDKIT_SCAN_SOURCE (and of each one under
// $BUILDKIT_SCAN_SOURCE_EXTRAS) with their SHA-256, as an SPDX 2.3 JSON
// document wrapped in an in-toto statement, written to
// $BUILDKIT_SCAN_DESTINATION/<name>.spdx.json.  Standard library only.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

type checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type file struct {
	ID        string     `json:"SPDXID"`
	Name      string     `json:"fileName"`
	Checksums []checksum `json:"checksums"`
}

func scan(root string) ([]file, error) {
	var files []file
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		files = append(files, file{Name: "/" + filepath.ToSlash(rel),
			Checksums: []checksum{{"SHA256", hex.EncodeToString(h.Sum(nil))}}})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for i := range files {
		files[i].ID = fmt.Sprintf("SPDXRef-File-%d", i+1)
	}
	return files, err
}

func write(dest, name, root string) error {
	files, err := scan(root)
	if err != nil {
		return err
	}
	doc := map[string]any{
		"spdxVersion":       "SPDX-2.3",
		"dataLicense":       "CC0-1.0",
		"SPDXID":            "SPDXRef-DOCUMENT",
		"name":              name,
		"documentNamespace": "https://example.invalid/multiarch-sbom-generator/" + name,
		"creationInfo": map[string]any{
			"creators": []string{"Tool: multiarch-sbom-generator-1"},
			"created":  "1970-01-01T00:00:00Z",
		},
		"files": files,
	}
	statement := map[string]any{
		"_type":         "https://in-toto.io/Statement/v0.1",
		"predicateType": "https://spdx.dev/Document",
		"subject":       []any{},
		"predicate":     doc,
	}
	data, err := json.MarshalIndent(statement, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dest, name+".spdx.json"), data, 0o644)
}

func main() {
	dest, src := os.Getenv("BUILDKIT_SCAN_DESTINATION"), os.Getenv("BUILDKIT_SCAN_SOURCE")
	if dest == "" || src == "" {
		fmt.Fprintln(os.Stderr, "sbom-generator: BUILDKIT_SCAN_DESTINATION and BUILDKIT_SCAN_SOURCE are required")
		os.Exit(2)
	}
	if err := write(dest, filepath.Base(src), src); err != nil {
		fmt.Fprintln(os.Stderr, "sbom-generator:", err)
		os.Exit(1)
	}
	if extras := os.Getenv("BUILDKIT_SCAN_SOURCE_EXTRAS"); extras != "" {
		entries, err := os.ReadDir(extras)
		if err == nil {
			for _, e := range entries {
				if err := write(dest, e.Name(), filepath.Join(extras, e.Name())); err != nil {
					fmt.Fprintln(os.Stderr, "sbom-generator:", err)
					os.Exit(1)
				}
			}
		}
	}
}
