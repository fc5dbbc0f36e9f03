module example.com/prependinloop

go 1.22
