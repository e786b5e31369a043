using System.Reflection;
using MlNetIconclass.Models;
using MlNetIconclass.Training;
using NetArchTest.Rules;

namespace MlNetIconclass.Tests.Architecture;

/// <summary>
/// The layers run one way: each part uses only the parts before it in <see cref="Layers"/>, never one after it.
/// Data flows from the thesaurus through collections, features, retrieval and evaluation to the model that ranks,
/// batch scoring, training, the web service and the command line. The first two assemblies never load TorchSharp.
/// </summary>
public class LayerTests
{
    /// <summary>Bottom to top; the README's architecture section lists the same order.</summary>
    private static readonly string[] Layers =
    [
        "MlNetIconclass.Persistence",
        "MlNetIconclass.Visualization",
        "MlNetIconclass.Thesaurus",
        "MlNetIconclass.Collections",
        "MlNetIconclass.Features",
        "MlNetIconclass.Retrieval",
        "MlNetIconclass.Evaluation",
        "MlNetIconclass.Models",
        "MlNetIconclass.Scoring",
        "MlNetIconclass.Training",
        "MlNetIconclass.Service",
        "MlNetIconclass.Cli",
    ];

    private static readonly Assembly[] Assemblies =
    [
        typeof(IconclassModel).Assembly,
        typeof(IconclassTrainer).Assembly,
        typeof(MlNetIconclass.Service.SuggestionService).Assembly,
        typeof(MlNetIconclass.Cli.ExitCodes).Assembly,
    ];

    public static TheoryData<string> LayerNames() => new(Layers);

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void ALayerUsesNoLayerAboveIt(string layer)
    {
        var above = Layers.SkipWhile(name => name != layer).Skip(1).ToArray();
        var result = Types
            .InAssemblies(Assemblies)
            .That()
            .ResideInNamespace(layer)
            .ShouldNot()
            .HaveDependencyOnAny(above)
            .GetResult();
        Assert.True(
            result.IsSuccessful,
            $"{layer} uses a layer above it: {string.Join(", ", result.FailingTypeNames ?? [])}"
        );
    }

    [Fact]
    public void EveryTypeIsInALayerOrTheFoundation()
    {
        var outside = Assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => !type.IsDefined(typeof(System.CodeDom.Compiler.GeneratedCodeAttribute), inherit: false))
            .Where(type => type.Namespace is not null && type.DeclaringType is null)
            .Where(type =>
                type.Namespace != "MlNetIconclass"
                && !Layers.Any(layer => type.Namespace!.StartsWith(layer, StringComparison.Ordinal))
            )
            .Select(type => type.FullName)
            .ToArray();
        Assert.Empty(outside);
    }

    /// <summary>
    /// The rule sees the dependencies there are, so that the checks above cannot pass for want of seeing any.
    /// </summary>
    [Fact]
    public void TheRuleSeesTheDependenciesThereAre()
    {
        var result = Types
            .InAssemblies(Assemblies)
            .That()
            .HaveName(nameof(IconclassTrainer))
            .Should()
            .HaveDependencyOnAll("MlNetIconclass.Models", "MlNetIconclass.Retrieval", "TorchSharp")
            .GetResult();
        Assert.True(result.IsSuccessful);
    }

    /// <summary>The foundation (where the bundled files lie, native library resolution) depends on no layer.</summary>
    [Fact]
    public void TheFoundationUsesNoLayer()
    {
        var result = Types
            .InAssembly(typeof(BundledFiles).Assembly)
            .That()
            .ResideInNamespaceMatching("^MlNetIconclass$")
            .ShouldNot()
            .HaveDependencyOnAny(Layers)
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void RankingNeverReferencesTorchSharp()
    {
        Assert.DoesNotContain(
            typeof(IconclassModel).Assembly.GetReferencedAssemblies(),
            name => name.Name == "TorchSharp"
        );
        var result = Types
            .InAssembly(typeof(IconclassModel).Assembly)
            .ShouldNot()
            .HaveDependencyOn("TorchSharp")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
