module example.com/stringconcatloop

go 1.22
