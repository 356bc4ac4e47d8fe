import ArtisanCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(Application.main(Array(CommandLine.arguments.dropFirst())))
