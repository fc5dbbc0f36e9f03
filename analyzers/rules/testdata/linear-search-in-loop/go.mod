module example.com/linearsearchinloop

go 1.22
