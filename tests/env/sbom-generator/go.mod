module multiarch.test/sbom-generator

go 1.22
