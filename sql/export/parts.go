package export

import (
	"context"
	"crypto/sha256"
	dsql "database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// An export into a folder that holds an earlier export of the same
// dataset, made under the same rules, writes again only the partitions of
// trade, totals and flows whose rows changed, and links the others from
// the earlier export (their files are never written in place, so a link is
// a copy). Which rows a partition holds is read from the store's kept sums
// (state/partition_state.sql): the files its rows came from and how many
// of each stand there. Everything else a partition depends on (the
// exchange rates, the rules, the export's options and tradepipe's version)
// is the manifest's fingerprint; when it differs, every partition is
// written again. The smaller tables (fx_rates, group_membership, the
// reports) are always written whole.

// Part is one partition of a table, as the manifest records it.
type Part struct {
	Key   string `json:"key"`   // the partition's folder under the table's: year=2019/reporter=KAZ; "" for an unpartitioned table
	State string `json:"state"` // a hash of what its rows are made of
	Rows  int64  `json:"rows"`
}

// incremental tells whether a table's partitions can be reused.
func incremental(name string) bool { return name == "trade" || name == "totals" || name == "flows" }

// fingerprint is what all of an export's incremental partitions depend
// on besides their own rows.
func fingerprint(ctx context.Context, conn *dsql.Conn, m *Manifest) (string, error) {
	q, err := stateStatement("export_state")
	if err != nil {
		return "", err
	}
	var state string
	if err := conn.QueryRowContext(ctx, q.Text).Scan(&state); err != nil {
		return "", fmt.Errorf("export state: %w", err)
	}
	h := sha256.New()
	for _, s := range []string{m.TradepipeVersion, m.Dataset, m.Basis, strconv.FormatFloat(m.CIFFOB, 'g', -1, 64),
		m.Compression, strings.Join(m.PartitionBy, ","), state} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// yearState is the state of one year and reporter of a dataset's trade.
type yearState struct {
	year            int
	reporter, state string
}

// yearStates reads the state of every year and reporter of a dataset.
func yearStates(ctx context.Context, conn *dsql.Conn, dataset string) ([]yearState, error) {
	rows, err := stateRows(ctx, conn, "partition_state", map[string]any{"dataset": dataset})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []yearState
	for rows.Next() {
		var s yearState
		if err := rows.Scan(&s.year, &s.reporter, &s.state); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// stateRows runs the state query of that name (state/*.sql), its
// parameters bound from values.
func stateRows(ctx context.Context, conn *dsql.Conn, name string, values map[string]any) (*dsql.Rows, error) {
	q, err := stateStatement(name)
	if err != nil {
		return nil, err
	}
	args, err := q.Bind(values)
	if err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, q.Text, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.ReplaceAll(name, "_", " "), err)
	}
	return rows, nil
}

// partStates returns, for a table partitioned by the columns by, the state
// of each partition it will have, by key: a hash of the states of the
// years and reporters in it. An unpartitioned table has one key, "".
func partStates(ys []yearState, by []string) map[string]string {
	byKey := map[string][]string{}
	for _, s := range ys {
		vals := map[string]string{"year": strconv.Itoa(s.year), "reporter": s.reporter}
		k := partKey(by, vals)
		byKey[k] = append(byKey[k], vals["year"]+"/"+s.reporter+"="+s.state)
	}
	out := make(map[string]string, len(byKey))
	for k, states := range byKey {
		slices.Sort(states)
		sum := sha256.Sum256([]byte(strings.Join(states, "\n")))
		out[k] = hex.EncodeToString(sum[:])
	}
	return out
}

// partKey is the Hive folder of a partition: col=value for each of by.
func partKey(by []string, vals map[string]string) string {
	parts := make([]string, len(by))
	for i, c := range by {
		parts[i] = c + "=" + vals[c]
	}
	return strings.Join(parts, "/")
}

// keyExpr is the SQL that makes a row's partition key, as partKey does;
// the columns come from the allow-list and are quoted.
func keyExpr(by []string) string {
	parts := make([]string, len(by))
	for i, c := range by {
		parts[i] = fmt.Sprintf("'%s=' || %s", c, quoteIdent(c))
	}
	return "concat_ws('/', " + strings.Join(parts, ", ") + ")"
}

// reusable returns the earlier export's version of a table when its
// partitions may be reused: same fingerprint, same partitioning, and its
// parts recorded.
func reusable(prev *Manifest, fp, name string, by []string) *Table {
	if prev == nil || prev.Fingerprint == "" || prev.Fingerprint != fp {
		return nil
	}
	for i, t := range prev.Tables {
		if t.Name == name && t.Kind == "table" && slices.Equal(t.Partitioning, by) && t.Parts != nil {
			return &prev.Tables[i]
		}
	}
	return nil
}

// plan splits a table's partitions into those to write and those to link
// from the earlier export.
func plan(states map[string]string, old *Table) (write []string, link []Part) {
	was := map[string]Part{}
	if old != nil {
		for _, p := range old.Parts {
			was[p.Key] = p
		}
	}
	for k, s := range states {
		if p, ok := was[k]; ok && p.State == s {
			link = append(link, p)
		} else {
			write = append(write, k)
		}
	}
	slices.Sort(write)
	slices.SortFunc(link, func(a, b Part) int { return strings.Compare(a.Key, b.Key) })
	return write, link
}

// copyParts writes the partitions of a table whose state changed (all of
// them when there is no earlier export to take from) and links the others;
// it sets the table's parts, rows and partitioning.
func copyParts(ctx context.Context, tdir string, by []string, out *Table, re *reuse, c copier) error {
	write, link := plan(re.states, re.old)
	re.wrote = len(write) > 0
	var prevTable string
	if re.old != nil {
		prevTable = filepath.Join(re.prevDir, filepath.FromSlash(re.old.Path))
	}
	if len(by) == 0 { // one file, written again or linked whole
		if len(link) == 1 && link[0].Rows > 0 {
			out.Parts, out.Rows = link, link[0].Rows
			return linkParts(prevTable, tdir, link)
		}
		if err := mkdir(tdir); err != nil {
			return err
		}
		n, err := c.all(ctx, filepath.Join(tdir, dataFile), nil, nil)
		if err != nil {
			return err
		}
		out.Parts, out.Rows = []Part{{Key: "", State: re.states[""], Rows: n}}, n
		return nil
	}
	if len(write) > 0 {
		var only []string
		if len(link) > 0 {
			only = write
		}
		yearly, err := yearlyParts(ctx, c.conn, re.dataset, by, write)
		if err != nil {
			return err
		}
		if yearly != nil {
			if err := writeYearly(ctx, c, tdir, by, yearly, only == nil, re.states); err != nil {
				return err
			}
		} else {
			if _, err := c.all(ctx, tdir, by, only); err != nil {
				return err
			}
			if only == nil {
				// Every partition written: none may have rows without a state.
				if err := checkKeys(tdir, len(by), re.states); err != nil {
					return err
				}
			}
		}
	}
	if err := linkParts(prevTable, tdir, link); err != nil {
		return err
	}
	counts, err := partRows(ctx, c.conn, tdir, write)
	if err != nil {
		return err
	}
	out.Parts = append([]Part{}, link...)
	for _, k := range write {
		out.Parts = append(out.Parts, Part{Key: k, State: re.states[k], Rows: counts[k]})
	}
	slices.SortFunc(out.Parts, func(a, b Part) int { return strings.Compare(a.Key, b.Key) })
	out.Rows = 0
	for _, p := range out.Parts {
		out.Rows += p.Rows
	}
	out.Partitioning = by
	if out.Rows == 0 {
		out.Parts = nil // the caller writes one empty file that keeps the schema
	}
	return nil
}

// checkKeys fails when COPY wrote a partition that has no state: its rows
// could not be told apart from the next export's, so reusing would lose
// them.
func checkKeys(tdir string, depth int, states map[string]string) error {
	pattern := tdir
	for i := 0; i < depth; i++ {
		pattern = filepath.Join(pattern, "*")
	}
	dirs, err := filepath.Glob(pattern)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		rel, err := filepath.Rel(tdir, d)
		if err != nil {
			return err
		}
		if _, ok := states[filepath.ToSlash(rel)]; !ok {
			return fmt.Errorf("export: partition %s has rows the store's sums do not account for", filepath.ToSlash(rel))
		}
	}
	return nil
}

// linkParts links the partitions' folders (or, unpartitioned, the
// table's) of the earlier export's table folder prevTable into the
// table's folder tdir. A partition with no rows has no folder.
func linkParts(prevTable, tdir string, parts []Part) error {
	for _, p := range parts {
		if p.Rows == 0 {
			continue
		}
		rel := filepath.FromSlash(p.Key)
		if err := linkTree(filepath.Join(prevTable, rel), filepath.Join(tdir, rel)); err != nil {
			return fmt.Errorf("keeping partition %s: %w", p.Key, err)
		}
	}
	return nil
}

// partRows counts the rows of each written partition from its files'
// Parquet footers.
func partRows(ctx context.Context, conn *dsql.Conn, tdir string, keys []string) (map[string]int64, error) {
	out := map[string]int64{}
	var files []string
	owner := map[string]string{}
	for _, k := range keys {
		out[k] = 0
		dir := filepath.Join(tdir, filepath.FromSlash(k))
		ents, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".parquet") {
				p := filepath.Join(dir, e.Name())
				files = append(files, p)
				owner[p] = k
			}
		}
	}
	if len(files) == 0 {
		return out, nil
	}
	rows, err := stateRows(ctx, conn, "partition_rows", map[string]any{"files": files})
	if err != nil {
		return nil, fmt.Errorf("counting rows written: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		k, ok := owner[name]
		if !ok {
			return nil, fmt.Errorf("counting rows written: unexpected file %s", name)
		}
		out[k] += n
	}
	return out, rows.Err()
}
