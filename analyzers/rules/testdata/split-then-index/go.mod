module example.com/splitthenindex

go 1.22
