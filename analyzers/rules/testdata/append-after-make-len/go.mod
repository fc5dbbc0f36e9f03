module example.com/appendaftermakelen

go 1.22
