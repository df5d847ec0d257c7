package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Status codes beyond HTTP: a transport error, a request abandoned in flight at the end
// of the drain, and a request never sent because the schedule could not be met in time.
const (
	statusError     = 0
	statusAbandoned = -1
	statusUnsent    = -2
)

// Sample is one request: its start (intended, in rate mode) and end, both as offsets
// from the run's start, and the latency between them.
type Sample struct {
	Kind     string
	Status   int
	Start    time.Duration
	End      time.Duration
	Ops      int
	Accepted int
}

func (s Sample) Latency() time.Duration { return s.End - s.Start }

type Client struct {
	base        string
	token       string
	idempotency bool
	keyPrefix   string
	http        *http.Client
	mu          sync.Mutex
	errors      map[int]string
}

func NewClient(base, token string, conns int, timeout time.Duration, idempotency bool) *Client {
	transport := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{
		base: base, token: token, idempotency: idempotency, errors: map[int]string{},
		http: &http.Client{Transport: transport, Timeout: timeout},
	}
}

// Do sends the request and returns its status (statusError on a transport failure) and,
// for /operations, how many operations the service accepted.
func (c *Client) Do(ctx context.Context, r *Request, key string) (int, int) {
	url := r.Path
	if len(url) < 4 || url[:4] != "http" {
		url = c.base + url
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, url, bytes.NewReader(r.Body))
	if err != nil {
		c.remember(statusError, err.Error())
		return statusError, 0
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
		if c.idempotency {
			req.Header.Set("Idempotency-Key", key)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return statusAbandoned, 0
		}
		c.remember(statusError, err.Error())
		return statusError, 0
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		c.remember(statusError, err.Error())
		return statusError, 0
	}
	accepted := 0
	if resp.StatusCode < 300 {
		if r.Kind == "operations" {
			var summary struct{ Accepted, Refused int }
			if json.Unmarshal(body, &summary) == nil {
				accepted = summary.Accepted
				if summary.Refused > 0 {
					c.remember(-1000-resp.StatusCode, string(body))
				}
			}
		} else {
			accepted = r.Ops
		}
	} else {
		c.remember(resp.StatusCode, string(body))
	}
	return resp.StatusCode, accepted
}

// remember keeps the first answer of each failing status, to explain the counts.
func (c *Client) remember(status int, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.errors[status]; !seen {
		if len(body) > 400 {
			body = body[:400] + "…"
		}
		c.errors[status] = body
	}
}

func finish(r *Request, status int) {
	if r.onDone != nil {
		r.onDone(status)
	}
}

// RunMax is the closed loop: conns workers each send their next request as soon as the
// previous one answered, until duration has passed since the start.
func RunMax(c *Client, sc Scenario, conns int, duration time.Duration, seed uint64) ([]Sample, error) {
	t0 := time.Now()
	results := make([][]Sample, conns)
	errs := make([]error, conns)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			stream := NewStream(w, seed)
			for n := int64(0); time.Since(t0) < duration; n++ {
				r, err := sc.Next(stream, n)
				if err != nil {
					errs[w] = err
					return
				}
				start := time.Since(t0)
				status, accepted := c.Do(context.Background(), r, idemKey(c.keyPrefix, w, n))
				finish(r, status)
				results[w] = append(results[w], Sample{
					Kind: r.Kind, Status: status, Start: start, End: time.Since(t0),
					Ops: r.Ops, Accepted: accepted,
				})
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return merge(results), nil
}

type job struct {
	r        *Request
	n        int64
	intended time.Duration
}

// RunRate is the open loop: request n is due at n/rate seconds, whether or not earlier
// requests have answered, and its latency runs from that intended time (so a stalled
// service is charged for the requests it delayed: no coordinated omission). conns
// workers carry the requests; a due request waits for a free one, and that wait counts.
// After duration no new request is due; those still queued or in flight get up to drain
// to finish, then are recorded as unsent or abandoned with their latency so far.
func RunRate(c *Client, sc Scenario, rate float64, conns int, duration, drain time.Duration,
	seed uint64) ([]Sample, error) {
	total := int64(rate * duration.Seconds())
	jobs := make(chan job, min(total+1, 1<<20))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t0 := time.Now()
	results := make([][]Sample, conns)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := range jobs {
				status, accepted := statusUnsent, 0
				if ctx.Err() == nil && j.r.wait != nil {
					select {
					case <-j.r.wait:
					case <-ctx.Done():
					}
				}
				if ctx.Err() == nil {
					status, accepted = c.Do(ctx, j.r, idemKey(c.keyPrefix, 0, j.n))
				}
				finish(j.r, status)
				results[w] = append(results[w], Sample{
					Kind: j.r.Kind, Status: status, Start: j.intended, End: time.Since(t0),
					Ops: j.r.Ops, Accepted: accepted,
				})
			}
		}(w)
	}
	stream := NewStream(0, seed)
	period := float64(time.Second) / rate
	var err error
	for n := int64(0); n < total; n++ {
		intended := time.Duration(float64(n) * period)
		if wait := intended - time.Since(t0); wait > 0 {
			time.Sleep(wait)
		}
		var r *Request
		if r, err = sc.Next(stream, n); err != nil {
			break
		}
		jobs <- job{r: r, n: n, intended: intended}
	}
	close(jobs)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(duration - time.Since(t0) + drain):
		cancel()
		<-done
	}
	return merge(results), err
}

func idemKey(prefix string, stream int, n int64) string {
	return fmt.Sprintf("%s-%d-%d", prefix, stream, n)
}

func merge(parts [][]Sample) []Sample {
	var all []Sample
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}
