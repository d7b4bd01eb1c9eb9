// SPDX-License-Identifier: GPL-2.0

// Command chan_bench runs the cases of tools/native/bench/chan_bench.c on
// Go's own channels (impl go_chan), for a native peer of gosync_chan
// measured on the same machine:
//
//	chan_bench [--csv FILE] [--ms MS] [--threads "1 2"] [--reps R]
//		   [--case C[,C...]]
//	chan_bench --list
//
// (defaults from NATIVE_BENCH_MS, 300; NATIVE_BENCH_THREADS, "1 2";
// NATIVE_BENCH_REPS, 3). Cases, as in chan_bench.c:
//
//	stream		a channel of capacity 64. One goroutine sends a batch
//			of 64 and receives it back; from 2 on, even ids send
//			and odd ids receive. Producers stop at the run's end,
//			the last one closes the channel, consumers range over
//			it until closed. One op is one send or one receive.
//	pingpong	goroutine pairs bounce a value over two channels of
//			capacity 1; a lone one pings itself over one. One op
//			is one round trip, counted on both goroutines of a
//			pair.
//
// A run has GOMAXPROCS set to its goroutine count; each goroutine times
// itself from a common start to its end; ops_per_sec is the sum of their
// rates, ns_per_op = threads * 1e9 / ops_per_sec, and a configuration's
// row is its median-rate rep, in the CSV format of the C benchmarks
// (env,primitive,case,impl,threads,ops_per_sec,ns_per_op). Goroutines are
// not pinned to CPUs (the C threads are). The values are uintptr: one
// word, as the C channels' pointers, without a GC write barrier. Every
// value sent and received is counted and summed; a mismatch fails the
// program.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	streamCap = 64
	batch     = 64
	header    = "env,primitive,case,impl,threads,ops_per_sec,ns_per_op"
)

var cases = []string{"stream", "pingpong"}

// worker is one goroutine's share of a run.
type worker struct {
	ops                          uint64
	elapsed                      time.Duration
	sent, sentSum, recvd, recvdS uint64
	err                          error
}

type run struct {
	stop      int32 // atomic: the run's time is up
	producers int32 // atomic: stream producers not done
	threads   int
	chans     []chan uintptr
	w         []worker
}

func (r *run) stopped() bool { return atomic.LoadInt32(&r.stop) != 0 }

func (w *worker) send(c chan uintptr, v uintptr) {
	c <- v
	w.sent++
	w.sentSum += uint64(v)
}

func (w *worker) recv(c chan uintptr) (uintptr, bool) {
	v, ok := <-c
	if ok {
		w.recvd++
		w.recvdS += uint64(v)
	}
	return v, ok
}

func (r *run) stream(id int) {
	w, c := &r.w[id], r.chans[0]
	v := uintptr(1)
	switch {
	case r.threads == 1:
		for !r.stopped() {
			for i := 0; i < batch; i++ {
				w.send(c, v)
				v++
			}
			for i := 0; i < batch; i++ {
				w.recv(c)
			}
			w.ops += 2 * batch
		}
	case id%2 == 0:
		for !r.stopped() {
			for i := 0; i < batch; i++ {
				w.send(c, v)
				v++
			}
			w.ops += batch
		}
		if atomic.AddInt32(&r.producers, -1) == 0 {
			close(c)
		}
	default:
		// Until closed and drained, so that no producer blocks.
		for _, ok := w.recv(c); ok; _, ok = w.recv(c) {
			w.ops++
		}
	}
}

func (r *run) pingpong(id int) {
	w, pinger := &r.w[id], id&^1
	alone := pinger+1 == r.threads
	ping, pong := r.chans[pinger], r.chans[pinger]
	if !alone {
		pong = r.chans[pinger+1]
	}
	if id != pinger {
		// The echo, until the pinger closes its channel.
		for v, ok := w.recv(ping); ok; v, ok = w.recv(ping) {
			w.send(pong, v)
			w.ops++
		}
		return
	}
	v := uintptr(1)
	for !r.stopped() && w.err == nil {
		for i := 0; i < batch; i++ {
			w.send(ping, v)
			if got, _ := w.recv(pong); got != v {
				w.err = fmt.Errorf("pingpong: sent %d, got %d back", v, got)
				break
			}
			v++
			w.ops++
		}
	}
	if !alone {
		close(ping)
	}
}

// once runs case cs with threads goroutines for d; the rate, in ops/s.
func once(cs string, threads int, d time.Duration) (float64, error) {
	r := &run{threads: threads, w: make([]worker, threads)}
	r.producers = int32((threads + 1) / 2)
	capacity := streamCap
	nchans := 1
	if cs == "pingpong" {
		capacity, nchans = 1, threads
	}
	for i := 0; i < nchans; i++ {
		r.chans = append(r.chans, make(chan uintptr, capacity))
	}
	body := r.stream
	if cs == "pingpong" {
		body = r.pingpong
	}
	runtime.GOMAXPROCS(threads)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(threads)
	done.Add(threads)
	for id := 0; id < threads; id++ {
		go func(id int) {
			defer done.Done()
			ready.Done()
			<-start
			t0 := time.Now()
			body(id)
			r.w[id].elapsed = time.Since(t0)
		}(id)
	}
	ready.Wait()
	close(start)
	time.Sleep(d)
	atomic.StoreInt32(&r.stop, 1)
	done.Wait()

	var rate float64
	var sent, ssum, recvd, rsum uint64
	for i := range r.w {
		w := &r.w[i]
		if w.err != nil {
			return 0, w.err
		}
		if w.elapsed > 0 {
			rate += float64(w.ops) / w.elapsed.Seconds()
		}
		sent, ssum, recvd, rsum = sent+w.sent, ssum+w.sentSum, recvd+w.recvd, rsum+w.recvdS
	}
	if sent != recvd || ssum != rsum {
		return 0, fmt.Errorf("%s: %d values sent (sum %d), %d received (sum %d)",
			cs, sent, ssum, recvd, rsum)
	}
	return rate, nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func selected(list, name string) bool {
	if list == "" {
		return true
	}
	for _, s := range strings.Split(list, ",") {
		if s == name {
			return true
		}
	}
	return false
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "chan_bench (go): "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	defThreads := os.Getenv("NATIVE_BENCH_THREADS")
	if defThreads == "" {
		defThreads = "1 2"
	}
	csvPath := flag.String("csv", "", "append the rows to this CSV")
	ms := flag.Int("ms", envInt("NATIVE_BENCH_MS", 300), "ms per run")
	threadList := flag.String("threads", defThreads, "goroutine counts")
	reps := flag.Int("reps", envInt("NATIVE_BENCH_REPS", 3), "reps per row (the median's)")
	caseList := flag.String("case", "", "cases, comma-separated (default all)")
	list := flag.Bool("list", false, "print one \"case impl\" line per case")
	flag.Parse()
	if *list {
		for _, c := range cases {
			fmt.Printf("%s go_chan\n", c)
		}
		return
	}
	var threads []int
	for _, f := range strings.Fields(*threadList) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > runtime.NumCPU() {
			fail("%q threads but %d CPUs", f, runtime.NumCPU())
		}
		threads = append(threads, n)
	}
	if *reps < 1 || *ms < 1 {
		fail("--reps and --ms must be positive")
	}
	out := os.Stdout
	if *csvPath != "" {
		f, err := os.OpenFile(*csvPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fail("%v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Size() == 0 {
			fmt.Fprintln(f, header)
		}
		out = f
	}
	fmt.Fprintf(os.Stderr, "chan_bench (go): %d ms per run, %d rep(s), threads %q, %s\n",
		*ms, *reps, *threadList, runtime.Version())
	for _, cs := range cases {
		if !selected(*caseList, cs) {
			continue
		}
		for _, n := range threads {
			rates := make([]float64, *reps)
			for k := range rates {
				r, err := once(cs, n, time.Duration(*ms)*time.Millisecond)
				if err != nil {
					fail("%v", err)
				}
				rates[k] = r
			}
			sort.Float64s(rates)
			med := rates[*reps/2]
			fmt.Fprintf(out, "native,chan,%s,go_chan,%d,%d,%d\n", cs, n,
				uint64(med), uint64(float64(n)*1e9/med))
			if out != os.Stdout {
				fmt.Printf("%-10s %d thread(s): go_chan: %.2fM/s %.0f ns/op\n",
					cs, n, med/1e6, float64(n)*1e9/med)
			}
		}
	}
}
