module example.com/deferinloop

go 1.22
