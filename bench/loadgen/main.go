// Command loadgen drives lotledger's HTTP API and prints what it measured as JSON.
//
//	loadgen -mode max  -c 32 -duration 20s -scenario receipt   -url http://127.0.0.1:18001
//	loadgen -mode rate -rate 750 -duration 30s -scenario receipt-pick ...
//
// max is a closed loop (C connections, each sends when the previous answer came back):
// it finds the throughput the service sustains. rate is an open loop at a fixed rate with
// latency measured from each request's intended send time, so queueing behind a slow
// answer is charged to the service (coordinated omission accounted for).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type Output struct {
	Mode        string            `json:"mode"`
	Scenario    string            `json:"scenario"`
	Conns       int               `json:"connections"`
	TargetRate  float64           `json:"target_rate,omitempty"`
	BatchSize   int               `json:"batch_size,omitempty"`
	Picks       int               `json:"picks_per_receipt,omitempty"`
	Seed        uint64            `json:"seed"`
	DurationS   float64           `json:"duration_s"`
	WarmupS     float64           `json:"warmup_s"`
	ElapsedS    float64           `json:"elapsed_s"`
	Summary     Summary           `json:"summary"`
	Timeline    []Second          `json:"timeline"`
	FirstErrors map[string]string `json:"first_errors,omitempty"`
}

type config struct {
	url, mode, scenario, token, lotPrefix, urls     string
	receiptTmpl, pickTmpl, items, suppliers, shipTo string
	conns, batch, picks                             int
	rate                                            float64
	duration, warmup, drain, timeout                time.Duration
	seed                                            uint64
	idempotency                                     bool
}

func parseFlags() config {
	var c config
	flag.StringVar(&c.url, "url", "http://127.0.0.1:8001", "service base URL")
	flag.StringVar(&c.mode, "mode", "max", "max (closed loop) | rate (open loop at -rate)")
	flag.StringVar(&c.scenario, "scenario", "receipt", "receipt | receipt-pick | operations | get")
	flag.StringVar(&c.token, "token", os.Getenv("LOTLEDGER_BENCH_TOKEN"), "bearer token (default $LOTLEDGER_BENCH_TOKEN)")
	flag.StringVar(&c.lotPrefix, "lot-prefix", "B", "prefix of generated lot numbers; keep runs on one database distinct")
	flag.StringVar(&c.urls, "urls", "", "file of URLs or paths, one a line (scenario get)")
	flag.StringVar(&c.receiptTmpl, "receipt-template", "", "file: receipt body with {{gtin}} {{lot}} {{expiry}} {{qty}} {{location}} {{supplier}} {{ref}}")
	flag.StringVar(&c.pickTmpl, "pick-template", "", "file: pick body with {{gtin}} {{lot}} {{qty}} {{location}} {{ship_to}} {{ref}}")
	flag.StringVar(&c.items, "items", "09506000134352@WH1/COLD-A/01,00614141000036@WH1/AMB-A/01,04006381333931@WH1/COOL-A/01", "gtin@location pairs received and picked")
	flag.StringVar(&c.suppliers, "suppliers", "9506000000015", "supplier party ids")
	flag.StringVar(&c.shipTo, "ship-to", "9506000000022,9506000000039,9506000000046", "consignee party ids")
	flag.IntVar(&c.conns, "c", 16, "connections: closed-loop workers (max) or in-flight capacity (rate)")
	flag.IntVar(&c.batch, "batch", 100, "operations per /v1/operations request")
	flag.IntVar(&c.picks, "picks", 3, "picks per received lot (receipt-pick, operations; 0 = receipts only)")
	flag.Float64Var(&c.rate, "rate", 100, "requests per second (rate mode)")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "length of the run, warm-up included")
	flag.DurationVar(&c.warmup, "warmup", 5*time.Second, "requests due before this are not measured")
	flag.DurationVar(&c.drain, "drain", 15*time.Second, "rate mode: how long to wait for late answers")
	flag.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the value generators")
	flag.BoolVar(&c.idempotency, "idempotency", false, "send a unique Idempotency-Key on every POST")
	flag.Parse()
	return c
}

func catalog(c config) (*Catalog, error) {
	cat := &Catalog{
		Suppliers: split(c.suppliers), ShipTo: split(c.shipTo), LotPrefix: c.lotPrefix,
		Expiry: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, pair := range split(c.items) {
		gtin, location, ok := strings.Cut(pair, "@")
		if !ok {
			return nil, fmt.Errorf("-items: %q is not gtin@location", pair)
		}
		cat.Items = append(cat.Items, Item{gtin, location})
	}
	if len(cat.Items) == 0 || len(cat.Suppliers) == 0 || len(cat.ShipTo) == 0 {
		return nil, errors.New("-items, -suppliers and -ship-to need at least one value each")
	}
	if len(c.lotPrefix) > 8 {
		return nil, errors.New("-lot-prefix: at most 8 characters (a lot has at most 20)")
	}
	return cat, nil
}

func text(path, fallback string) (string, error) {
	if path == "" {
		return fallback, nil
	}
	raw, err := os.ReadFile(path)
	return strings.TrimSpace(string(raw)), err
}

func scenario(c config) (Scenario, error) {
	cat, err := catalog(c)
	if err != nil {
		return nil, err
	}
	receiptText, err := text(c.receiptTmpl, receiptBody)
	if err != nil {
		return nil, err
	}
	pickText, err := text(c.pickTmpl, pickBody)
	if err != nil {
		return nil, err
	}
	receipt, err := ParseTemplate(receiptText)
	if err != nil {
		return nil, err
	}
	pick, err := ParseTemplate(pickText)
	if err != nil {
		return nil, err
	}
	switch c.scenario {
	case "receipt":
		return &Receipts{Catalog: cat, Body: receipt}, nil
	case "receipt-pick":
		if c.picks < 1 {
			return nil, errors.New("receipt-pick needs -picks >= 1")
		}
		return &ReceiptPicks{Catalog: cat, Receipt: receipt, Pick: pick, Picks: c.picks}, nil
	case "operations":
		opReceipt, err := ParseTemplate(opTemplate(receiptText))
		if err != nil {
			return nil, err
		}
		opPick, err := ParseTemplate(opTemplate(pickText))
		if err != nil {
			return nil, err
		}
		if c.batch < 1 {
			return nil, errors.New("-batch must be at least 1")
		}
		return &Operations{Catalog: cat, Receipt: opReceipt, Pick: opPick, Size: c.batch, Picks: c.picks}, nil
	case "get":
		urls, err := readLines(c.urls)
		if err != nil {
			return nil, err
		}
		return &Gets{URLs: urls}, nil
	}
	return nil, fmt.Errorf("unknown scenario %q", c.scenario)
}

func split(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func run(c config) (*Output, error) {
	sc, err := scenario(c)
	if err != nil {
		return nil, err
	}
	if c.warmup >= c.duration {
		return nil, errors.New("-warmup must be shorter than -duration")
	}
	client := NewClient(strings.TrimRight(c.url, "/"), c.token, c.conns, c.timeout, c.idempotency)
	client.keyPrefix = fmt.Sprintf("%s-%d-%s", c.lotPrefix, c.seed, c.scenario)
	started := time.Now()
	var samples []Sample
	switch c.mode {
	case "max":
		samples, err = RunMax(client, sc, c.conns, c.duration, c.seed)
	case "rate":
		if c.rate <= 0 {
			return nil, errors.New("-rate must be positive")
		}
		samples, err = RunRate(client, sc, c.rate, c.conns, c.duration, c.drain, c.seed)
	default:
		err = fmt.Errorf("unknown mode %q", c.mode)
	}
	if err != nil {
		return nil, err
	}
	out := &Output{
		Mode: c.mode, Scenario: c.scenario, Conns: c.conns, Seed: c.seed,
		DurationS: c.duration.Seconds(), WarmupS: c.warmup.Seconds(),
		ElapsedS: round(time.Since(started).Seconds()),
		Summary:  Summarise(samples, c.warmup, c.duration), Timeline: Timeline(samples),
		FirstErrors: map[string]string{},
	}
	if c.mode == "rate" {
		out.TargetRate = c.rate
	}
	if c.scenario == "operations" {
		out.BatchSize = c.batch
	}
	if c.scenario == "receipt-pick" || c.scenario == "operations" {
		out.Picks = c.picks
	}
	for status, body := range client.errors {
		name := statusName(status)
		if status <= -1000 {
			name = fmt.Sprintf("%d with refused operations", -1000-status)
		}
		out.FirstErrors[name] = body
	}
	return out, nil
}

func main() {
	out, err := run(parseFlags())
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
