module example.com/equalfold

go 1.22
