module github.com/orgnet/orgnet

go 1.26
