/// Zero-copy mapping of famfs files; see FamfsFileMapping.
