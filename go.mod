module github.com/esekit/esekit

go 1.26
