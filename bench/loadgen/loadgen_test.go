package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestTemplateRendersEveryVariable(t *testing.T) {
	tmpl, err := ParseTemplate(`{"lot":"{{lot}}","qty":{{ qty }}}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.Render(nil, map[string]string{"lot": "B01", "qty": "7"})
	if err != nil || string(got) != `{"lot":"B01","qty":7}` {
		t.Fatalf("got %s, %v", got, err)
	}
	if _, err := tmpl.Render(nil, map[string]string{"lot": "B01"}); err == nil {
		t.Fatal("a missing variable must be an error")
	}
	if _, err := ParseTemplate(`{{lot`); err == nil {
		t.Fatal("an unclosed placeholder must be an error")
	}
}

func TestSameSeedSameBodies(t *testing.T) {
	cat := &Catalog{Items: []Item{{"09506000134352", "WH1/COLD-A/01"}}, Suppliers: []string{"s"},
		ShipTo: []string{"p"}, LotPrefix: "T", Expiry: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	receipt, _ := ParseTemplate(receiptBody)
	pick, _ := ParseTemplate(pickBody)
	bodies := func() string {
		sc := &ReceiptPicks{Catalog: cat, Receipt: receipt, Pick: pick, Picks: 3}
		s, out := NewStream(3, 42), ""
		for n := int64(0); n < 8; n++ {
			r, err := sc.Next(s, n)
			if err != nil {
				t.Fatal(err)
			}
			out += r.Kind + string(r.Body) + "\n"
		}
		return out
	}
	first := bodies()
	if first != bodies() {
		t.Fatal("the same seed and stream must give the same bodies")
	}
	if strings.Count(first, "receipt{") != 2 || strings.Count(first, "pick{") != 6 {
		t.Fatalf("expected 2 receipts and 6 picks:\n%s", first)
	}
}

func TestOperationsBatchIsValidShape(t *testing.T) {
	cat := &Catalog{Items: []Item{{"g", "l"}}, Suppliers: []string{"s"}, ShipTo: []string{"p"},
		LotPrefix: "T", Expiry: time.Now()}
	r, _ := ParseTemplate(opTemplate(receiptBody))
	p, _ := ParseTemplate(opTemplate(pickBody))
	req, err := (&Operations{Catalog: cat, Receipt: r, Pick: p, Size: 8, Picks: 3}).Next(NewStream(0, 1), 0)
	if err != nil {
		t.Fatal(err)
	}
	body := string(req.Body)
	if !strings.Contains(body, `"client_op_id":"T-00-0-7"`) {
		t.Fatalf("client_op_id must carry the lot prefix: %s", body)
	}
	if strings.Count(body, `"op":"receipt"`) != 2 || strings.Count(body, `"op":"pick"`) != 6 {
		t.Fatalf("unexpected batch %s", body)
	}
}

func TestRankIsNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if rank(d, 50) != 500*time.Millisecond || rank(d, 99.9) != 999*time.Millisecond ||
		rank(d, 100) != time.Second {
		t.Fatal("wrong percentile")
	}
}

// A service that stalls for 500 ms once: in the open loop, the requests due during the
// stall are charged the time they waited (latency from the intended send time), which a
// closed-loop measurement would omit.
func TestRateModeChargesStallToQueuedRequests(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 5 {
			time.Sleep(500 * time.Millisecond)
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	client := NewClient(srv.URL, "", 1, 5*time.Second, false)
	samples, err := RunRate(client, &Gets{URLs: []string{"/x"}}, 100, 1, time.Second, 5*time.Second, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarise(samples, 0, time.Second)
	if s.Requests != 100 || s.OK != 100 {
		t.Fatalf("want 100 answered, got %+v", s)
	}
	// ~50 of the 100 requests were due during the stall and queued behind it: a tenth
	// of them waited more than ~250 ms (closed-loop timing would show ~1 ms for all).
	if s.LatencyMs.P90 < 250 || s.LatencyMs.Max < 450 || s.LatencyMs.Mean < 60 {
		t.Fatalf("stall not charged to queued requests: %+v", s.LatencyMs)
	}
}
