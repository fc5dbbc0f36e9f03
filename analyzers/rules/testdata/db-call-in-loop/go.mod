module example.com/dbcallinloop

go 1.22
