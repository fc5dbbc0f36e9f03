module example.com/benchinputs

go 1.22
