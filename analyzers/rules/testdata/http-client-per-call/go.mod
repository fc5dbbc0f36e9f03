module example.com/httpclientpercall

go 1.22
