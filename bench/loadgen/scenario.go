package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// Default bodies; -receipt-template, -pick-template and -op-template override them.
const (
	receiptBody = `{"gtin":"{{gtin}}","lot":"{{lot}}","expiry":"{{expiry}}","qty":{{qty}},` +
		`"location":"{{location}}","supplier":"{{supplier}}","reference":"{{ref}}"}`
	pickBody = `{"gtin":"{{gtin}}","lot":"{{lot}}","qty":{{qty}},"location":"{{location}}",` +
		`"order_ref":"{{ref}}","ship_to":"{{ship_to}}"}`
	opPrefix = `{"op":"{{op}}","client_op_id":"{{op_id}}",`
	pickMax  = 5
)

// Request is one HTTP call. A request with wait set is sent only once wait is closed (a
// pick waits for its lot's receipt); onDone, when set, runs with the response status.
type Request struct {
	Kind   string
	Method string
	Path   string
	Body   []byte
	Ops    int
	wait   <-chan struct{}
	onDone func(status int)
}

// Scenario builds request n of stream s. A stream is a closed-loop worker (max mode) or
// the single open-loop schedule (rate mode); each stream has its own seeded generator,
// so the same seed, stream and n always give the same body.
type Scenario interface {
	Next(s *Stream, n int64) (*Request, error)
}

type Item struct{ GTIN, Location string }

type Catalog struct {
	Items     []Item
	Suppliers []string
	ShipTo    []string
	LotPrefix string
	Expiry    time.Time
}

// Stream is the per-worker state: a seeded generator and the lot being picked.
type Stream struct {
	ID   int
	rng  *rand.Rand
	lots int64
	cur  *lot
	vars map[string]string
}

type lot struct {
	item     Item
	name     string
	left     int
	received chan struct{}
}

func NewStream(id int, seed uint64) *Stream {
	return &Stream{ID: id, rng: rand.New(rand.NewPCG(seed, uint64(id)+1)), vars: map[string]string{}}
}

func (c *Catalog) newLot(s *Stream, qty int) *lot {
	s.lots++
	return &lot{
		item:     c.Items[s.rng.IntN(len(c.Items))],
		name:     fmt.Sprintf("%s%02X%08d", c.LotPrefix, s.ID, s.lots),
		left:     qty,
		received: make(chan struct{}),
	}
}

func (c *Catalog) receiptVars(s *Stream, l *lot, ref string) map[string]string {
	v := s.vars
	clear(v)
	v["gtin"], v["location"], v["lot"] = l.item.GTIN, l.item.Location, l.name
	v["expiry"] = c.Expiry.AddDate(0, 0, s.rng.IntN(1400)).Format("2006-01-02")
	v["qty"] = fmt.Sprint(l.left)
	v["supplier"] = c.Suppliers[s.rng.IntN(len(c.Suppliers))]
	v["ref"] = ref
	return v
}

func (c *Catalog) pickVars(s *Stream, l *lot, ref string) map[string]string {
	v := s.vars
	clear(v)
	qty := min(1+s.rng.IntN(pickMax), l.left)
	l.left -= qty
	v["gtin"], v["location"], v["lot"] = l.item.GTIN, l.item.Location, l.name
	v["qty"] = fmt.Sprint(qty)
	v["ship_to"] = c.ShipTo[s.rng.IntN(len(c.ShipTo))]
	v["ref"] = ref
	return v
}

// Receipts: one POST /v1/receipts of a new lot per request.
type Receipts struct {
	Catalog *Catalog
	Body    *Template
}

func (r *Receipts) Next(s *Stream, n int64) (*Request, error) {
	l := r.Catalog.newLot(s, 10+s.rng.IntN(491))
	body, err := r.Body.Render(nil, r.Catalog.receiptVars(s, l, fmt.Sprintf("PO-%d", n)))
	return &Request{Kind: "receipt", Method: "POST", Path: "/v1/receipts", Body: body, Ops: 1}, err
}

// ReceiptPicks: a receipt of a new lot, then Picks picks of that same lot by the same
// stream, so every pick has stock (a pick waits until its lot's receipt has answered).
type ReceiptPicks struct {
	Catalog *Catalog
	Receipt *Template
	Pick    *Template
	Picks   int
}

func (r *ReceiptPicks) Next(s *Stream, n int64) (*Request, error) {
	if n%int64(r.Picks+1) == 0 {
		l := r.Catalog.newLot(s, r.Picks*pickMax+1+s.rng.IntN(50))
		s.cur = l
		body, err := r.Receipt.Render(nil, r.Catalog.receiptVars(s, l, fmt.Sprintf("PO-%d", n)))
		done := func(int) { close(l.received) }
		return &Request{
			Kind: "receipt", Method: "POST", Path: "/v1/receipts", Body: body, Ops: 1, onDone: done,
		}, err
	}
	l := s.cur
	body, err := r.Pick.Render(nil, r.Catalog.pickVars(s, l, fmt.Sprintf("SO-%d", n)))
	return &Request{
		Kind: "pick", Method: "POST", Path: "/v1/picks", Body: body, Ops: 1, wait: l.received,
	}, err
}

// Operations: POST /v1/operations with Size operations: a receipt of a new lot followed
// by Picks picks of it, repeated (Picks 0: receipts only). Lots never span two requests.
// client_op_id carries the lot prefix: the service keeps it as an idempotency key, so two
// runs on one database must not share one.
type Operations struct {
	Catalog *Catalog
	Receipt *Template
	Pick    *Template
	Size    int
	Picks   int
}

func (o *Operations) Next(s *Stream, n int64) (*Request, error) {
	body := append(make([]byte, 0, o.Size*260), `{"operations":[`...)
	var l *lot
	var err error
	for j := 0; j < o.Size; j++ {
		if j > 0 {
			body = append(body, ',')
		}
		opID := fmt.Sprintf("%s-%02X-%d-%d", o.Catalog.LotPrefix, s.ID, n, j)
		var vars map[string]string
		var tmpl *Template
		if l == nil || l.left == 0 || j%(o.Picks+1) == 0 {
			l = o.Catalog.newLot(s, o.Picks*pickMax+1+s.rng.IntN(50))
			vars, tmpl = o.Catalog.receiptVars(s, l, fmt.Sprintf("PO-%d-%d", n, j)), o.Receipt
			vars["op"] = "receipt"
		} else {
			vars, tmpl = o.Catalog.pickVars(s, l, fmt.Sprintf("SO-%d-%d", n, j)), o.Pick
			vars["op"] = "pick"
		}
		vars["op_id"] = opID
		if body, err = tmpl.Render(body, vars); err != nil {
			return nil, err
		}
	}
	body = append(body, "]}"...)
	return &Request{Kind: "operations", Method: "POST", Path: "/v1/operations", Body: body, Ops: o.Size}, nil
}

// Gets: GET of each URL of a list, in turn.
type Gets struct{ URLs []string }

func (g *Gets) Next(_ *Stream, n int64) (*Request, error) {
	return &Request{Kind: "get", Method: "GET", Path: g.URLs[n%int64(len(g.URLs))]}, nil
}

func readLines(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: no URLs", path)
	}
	return lines, nil
}

// opTemplate turns a body template into an /operations element by prefixing op and id.
func opTemplate(body string) string {
	return opPrefix + strings.TrimPrefix(strings.TrimSpace(body), "{")
}
