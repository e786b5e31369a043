// libLibTorchSharp.so (TorchSharp 0.107) references std::ios_base_library_init()@GLIBCXX_3.4.32, a symbol that
// libstdc++ 13 added to run the iostream initialiser. Older libstdc++ (Debian 12: 3.4.30) initialises iostreams
// through a static std::ios_base::Init instead, which is exactly what this stand-in does.
#include <ios>

namespace std {
void ios_base_library_init() {
    static ios_base::Init init;
}
}
