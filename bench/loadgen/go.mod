module github.com/lotledger/lotledger/bench/loadgen

go 1.22
