package main

import (
	"math"
	"slices"
	"strconv"
	"time"
)

type Latency struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p99_9"`
	Max   float64 `json:"max"`
}

type Second struct {
	T     int     `json:"t"`
	Done  int     `json:"done"`
	OK    int     `json:"ok"`
	P99Ms float64 `json:"p99_ms"`
}

type Summary struct {
	Requests    int                `json:"requests"`
	OK          int                `json:"ok"`
	Rate        float64            `json:"rate"`
	OKRate      float64            `json:"ok_rate"`
	OpsSent     int                `json:"ops_sent"`
	OpsAccepted int                `json:"ops_accepted"`
	OpsRate     float64            `json:"ops_accepted_rate"`
	Status      map[string]int     `json:"status"`
	LatencyMs   Latency            `json:"latency_ms"`
	ByKind      map[string]Latency `json:"latency_ms_by_kind,omitempty"`
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// nearest-rank percentile of sorted latencies
func rank(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted))/100-1e-9)) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func latencies(samples []Sample) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	sorted := make([]time.Duration, len(samples))
	var sum time.Duration
	for i, s := range samples {
		sorted[i] = s.Latency()
		sum += sorted[i]
	}
	slices.Sort(sorted)
	return Latency{
		Count: len(sorted), Mean: ms(sum / time.Duration(len(sorted))),
		P50: ms(rank(sorted, 50)), P90: ms(rank(sorted, 90)), P95: ms(rank(sorted, 95)),
		P99: ms(rank(sorted, 99)), P999: ms(rank(sorted, 99.9)), Max: ms(sorted[len(sorted)-1]),
	}
}

func statusName(code int) string {
	switch code {
	case statusError:
		return "error"
	case statusAbandoned:
		return "abandoned"
	case statusUnsent:
		return "unsent"
	}
	return strconv.Itoa(code)
}

// Summarise the requests that started (were due) inside the measured window
// [warmup, end): their latencies, statuses, and rates over the window's length.
func Summarise(samples []Sample, warmup, end time.Duration) Summary {
	window := (end - warmup).Seconds()
	sum := Summary{Status: map[string]int{}, ByKind: map[string]Latency{}}
	measured := make([]Sample, 0, len(samples))
	kinds := map[string][]Sample{}
	for _, s := range samples {
		if s.Start < warmup || s.Start >= end {
			continue
		}
		measured = append(measured, s)
		kinds[s.Kind] = append(kinds[s.Kind], s)
		sum.Status[statusName(s.Status)]++
		if s.Status >= 200 && s.Status < 300 {
			sum.OK++
		}
		sum.OpsSent += s.Ops
		sum.OpsAccepted += s.Accepted
	}
	sum.Requests = len(measured)
	sum.LatencyMs = latencies(measured)
	if len(kinds) > 1 {
		for k, ks := range kinds {
			sum.ByKind[k] = latencies(ks)
		}
	}
	if window > 0 {
		sum.Rate = round(float64(sum.Requests) / window)
		sum.OKRate = round(float64(sum.OK) / window)
		sum.OpsRate = round(float64(sum.OpsAccepted) / window)
	}
	return sum
}

// Timeline buckets requests by the second they ended in (warm-up included).
func Timeline(samples []Sample) []Second {
	buckets := map[int][]Sample{}
	last := 0
	for _, s := range samples {
		t := int(s.End / time.Second)
		buckets[t] = append(buckets[t], s)
		last = max(last, t)
	}
	out := make([]Second, 0, last+1)
	for t := 0; t <= last; t++ {
		b := buckets[t]
		sec := Second{T: t, Done: len(b), P99Ms: latencies(b).P99}
		for _, s := range b {
			if s.Status >= 200 && s.Status < 300 {
				sec.OK++
			}
		}
		out = append(out, sec)
	}
	return out
}

func round(v float64) float64 { return math.Round(v*10) / 10 }
