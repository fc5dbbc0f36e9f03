package goperitem

import "sync"

type Peer struct{ addr string }

func (p *Peer) Replicate(entry []byte) error { return nil }

type RaftNode struct {
	peers []*Peer
}

// Near-miss: one goroutine per cluster peer, a set sized by configuration.
func (n *RaftNode) Broadcast(entry []byte) {
	var wg sync.WaitGroup
	for _, p := range n.peers {
		wg.Add(1)
		go func(p *Peer) {
			defer wg.Done()
			_ = p.Replicate(entry)
		}(p)
	}
	wg.Wait()
}
