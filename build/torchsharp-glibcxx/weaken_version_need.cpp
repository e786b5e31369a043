// Marks one version requirement (a Vernaux entry of .gnu.version_r) of an ELF64 shared library as weak
// (VER_FLG_WEAK), so the dynamic loader no longer refuses to load it when no library provides that version.
// Usage: weaken_version_need LIBRARY VERSION   (exit 0 when patched or already weak, 1 when not found, 2 on error)
#include <elf.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 3) { std::fprintf(stderr, "usage: %s LIBRARY VERSION\n", argv[0]); return 2; }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
        bytes[EI_CLASS] != ELFCLASS64) {
        std::fprintf(stderr, "%s: not an ELF64 file\n", argv[1]); return 2;
    }
    auto* header = reinterpret_cast<Elf64_Ehdr*>(bytes.data());
    auto* sections = reinterpret_cast<Elf64_Shdr*>(bytes.data() + header->e_shoff);
    for (int i = 0; i < header->e_shnum; ++i) {
        if (sections[i].sh_type != SHT_GNU_verneed) continue;
        const char* strings = bytes.data() + sections[sections[i].sh_link].sh_offset;
        char* need = bytes.data() + sections[i].sh_offset;
        for (;;) {
            auto* verneed = reinterpret_cast<Elf64_Verneed*>(need);
            char* aux = need + verneed->vn_aux;
            for (int j = 0; j < verneed->vn_cnt; ++j) {
                auto* vernaux = reinterpret_cast<Elf64_Vernaux*>(aux);
                if (std::strcmp(strings + vernaux->vna_name, argv[2]) == 0) {
                    if (vernaux->vna_flags & VER_FLG_WEAK) return 0;
                    vernaux->vna_flags |= VER_FLG_WEAK;
                    std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
                    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                    return out ? 0 : 2;
                }
                aux += vernaux->vna_next;
            }
            if (verneed->vn_next == 0) break;
            need += verneed->vn_next;
        }
    }
    std::fprintf(stderr, "%s: no requirement for %s\n", argv[1], argv[2]);
    return 1;
}
