using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Tests;

/// <summary>The bundled thesaurus, loaded once for the whole test run.</summary>
internal static class BundledThesaurus
{
    private static readonly Lazy<IconclassThesaurus> Loaded = new(() => IconclassThesaurus.LoadBundled());

    public static IconclassThesaurus Instance => Loaded.Value;
}
