using MlNetIconclass.Features;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Training;

/// <summary>
/// Distilling the MiniLM teacher into the n-gram encoder: the pairs the thesaurus gives, the teacher's vector cache,
/// and the student's languages meeting where the teacher puts English.
/// </summary>
public class DistillationTests
{
    private static readonly string[] Languages = ["de", "fr", "nl"];

    [Fact]
    public void ThesaurusPairsPointEachLanguageAtTheEnglishSide()
    {
        var thesaurus = BundledThesaurus.Instance;
        var pairs = DistillationPairs.FromThesaurus(thesaurus, ["en", "nl"]);

        Assert.Contains(new DistillationPair("Plantage", "plantation"), pairs);
        Assert.Contains(new DistillationPair("plantation", "plantation"), pairs);
        Assert.Contains(new DistillationPair("paard", "horse"), pairs); // 46C13141: Dutch keywords, no definition
        var crucifixion = thesaurus.LabelDefinition("73D6", "en")!;
        Assert.Contains(new DistillationPair("kruisdood", crucifixion), pairs);
        Assert.Contains(
            pairs,
            p => p.Student.Contains("kruisiging", StringComparison.Ordinal) && p.Teacher.Contains("Calvary")
        );
    }

    [Fact]
    public void TeacherVectorsComeBackFromTheCacheAndACutRecordIsEncodedAgain()
    {
        using var folder = new TempFolder();
        string[] texts = ["the crucifixion of Christ", "plantation", "horse", "plantation"];
        var first = new TeacherEmbeddings(folder.Path, ComputeDevice.Cpu).Embed(texts);
        Assert.Equal(texts.Length * TeacherEmbeddings.Dimension, first.Length);
        Assert.Equal(
            first.AsSpan(TeacherEmbeddings.Dimension, TeacherEmbeddings.Dimension).ToArray(),
            first.AsSpan(3 * TeacherEmbeddings.Dimension, TeacherEmbeddings.Dimension).ToArray()
        );

        var cacheFile = Assert.Single(Directory.GetFiles(folder.Path));
        var log = new List<string>();
        var again = new TeacherEmbeddings(folder.Path, ComputeDevice.Cpu, log.Add).Embed(texts);
        Assert.Equal(first, again);
        Assert.Contains(
            log,
            line => line.StartsWith("teacher vectors: 4 of 4 from the cache", StringComparison.Ordinal)
        );

        // An interrupted append leaves a partial record: the complete ones are kept, the cut one encoded again.
        var bytes = File.ReadAllBytes(cacheFile);
        File.WriteAllBytes(cacheFile, bytes[..^100]);
        log.Clear();
        var repaired = new TeacherEmbeddings(folder.Path, ComputeDevice.Cpu, log.Add).Embed(texts);
        Assert.Contains(log, line => line.Contains("3 of 4 from the cache") && line.Contains("encoding 1"));
        for (int i = 0; i < first.Length; i++)
            Assert.Equal(first[i], repaired[i], 2e-3f);
    }

    [Fact]
    public void ACacheFolderThatCannotBeMadeLeavesTheTeacherWithoutACache()
    {
        using var folder = new TempFolder();
        string blocked = Path.Combine(folder.Write("a-file", "not a folder"), "teacher");
        var log = new List<string>();
        var vectors = new TeacherEmbeddings(blocked, ComputeDevice.Cpu, log.Add).Embed(["horse"]);

        Assert.Equal(TeacherEmbeddings.Dimension, vectors.Length);
        Assert.Contains(log, line => line.StartsWith("teacher: no cache (", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("teacher vectors: 0 of 1 from the cache (none)"));
    }

    [Fact]
    public void GermanFrenchAndDutchDefinitionsLandNearerTheirEnglishDefinitionThanOtherNotations()
    {
        var thesaurus = BundledThesaurus.Instance;
        var notations = thesaurus
            .ProtocolLabelSpace.Where(n =>
                Languages.Append("en").All(language => thesaurus.Texts.HasDefinition(n, language))
            )
            .Where(n => thesaurus.GetText(n, "en")!.Text.Length < 60)
            .Take(40)
            .ToArray();
        Assert.Equal(40, notations.Length);
        string Definition(string notation, string language) => thesaurus.GetText(notation, language)!.Text;
        var pairs = notations
            .SelectMany(n =>
                Languages
                    .Append("en")
                    .Select(language => new DistillationPair(Definition(n, language), Definition(n, "en")))
            )
            .ToArray();
        var options = TinyModels.Options();
        options.DistillationEpochs = 40;
        options.BatchSize = 16;
        using var folder = new TempFolder();
        options.TeacherCacheFolder = folder.Path;

        double NearestShare(DualEncoderOptions distillation)
        {
            using var model = new DualEncoderTrainer(thesaurus, distillation).DistilOnly(pairs);
            var english = model.EncodeForIndex(
                notations.Select(n => Definition(n, "en")).ToArray(),
                TorchSharp.torch.CPU
            );
            int nearest = 0;
            foreach (var language in Languages)
            {
                var translated = model.EncodeForIndex(
                    notations.Select(n => Definition(n, language)).ToArray(),
                    TorchSharp.torch.CPU
                );
                for (int i = 0; i < notations.Length; i++)
                {
                    var similarities = Enumerable
                        .Range(0, notations.Length)
                        .Select(j => Dot(translated, i, english, j, model.Tower.Dimension))
                        .ToArray();
                    if (Array.IndexOf(similarities, similarities.Max()) == i)
                        nearest++;
                }
            }
            return nearest / (double)(notations.Length * Languages.Length);
        }

        var untrained = options.Clone();
        untrained.DistillationEpochs = 0;
        double before = NearestShare(untrained);
        double after = NearestShare(options);
        Assert.True(before < 0.8, $"before distillation {before:P0} already land nearest their English definition");
        Assert.True(after >= 0.95, $"after distillation only {after:P0} land nearest their English definition");
    }

    private static float Dot(float[] a, int i, float[] b, int j, int dimension)
    {
        float sum = 0;
        for (int d = 0; d < dimension; d++)
            sum += a[i * dimension + d] * b[j * dimension + d];
        return sum;
    }
}
