module example.com/rwmutexcandidate

go 1.22
