using System.CommandLine;
using MlNetIconclass.Cli;
using MlNetIconclass.Cli.Commands;
using MlNetIconclass.Features;
using MlNetIconclass.Retrieval;
using MlNetIconclass.Training;

namespace MlNetIconclass.Tests.Cli;

/// <summary>The train command's flags are made from the options, and read their values as a config does.</summary>
public class SettingFlagsTests
{
    private static DualEncoderOptions Apply(params string[] arguments)
    {
        var flags = new SettingFlags();
        var command = new RootCommand();
        foreach (var flag in flags.All)
            command.Options.Add(flag);
        var result = command.Parse(arguments);
        Assert.Empty(result.Errors);
        var options = new DualEncoderOptions();
        flags.Apply(result, options);
        return options;
    }

    [Fact]
    public void EverySettingHasAFlagNamedAfterItsConfigField()
    {
        var names = new SettingFlags().All.Select(flag => flag.Name).ToArray();
        var fields = TrainingConfig
            .Json.GetTypeInfo(typeof(DualEncoderOptions))
            .Properties.Where(p => p.Set is not null)
            .Select(p => p.Name)
            .ToArray();
        Assert.Equal(fields.Select(SettingFlags.FlagOf), names);
        Assert.Contains("--thesaurus-examples", names);
        Assert.Contains("--image-cache", names);
    }

    [Fact]
    public void FlagsSetTheOptionsAsTheConfigReadsThem()
    {
        var options = Apply(
            "--encoder",
            "MiniLm",
            "--languages",
            "nl,en",
            "--modalities",
            "text,image",
            "--fields",
            "Titles",
            "--use-collection",
            "false",
            "--validate-each-epoch",
            "--learning-rate",
            "0.001",
            "--image-cache",
            "/tmp/cache",
            "--distillation-epochs",
            "2",
            "--teacher-cache",
            "/tmp/teacher",
            "--device",
            "cpu",
            "--seed",
            "7"
        );
        Assert.Equal(TextEncoderKind.MiniLm, options.Encoder);
        Assert.Equal(["nl", "en"], options.Languages);
        Assert.Equal([QueryModality.Text, QueryModality.Image], options.Modalities);
        Assert.Equal(QueryFields.Titles, options.QueryFields);
        Assert.False(options.UseCollection);
        Assert.True(options.ValidateEachEpoch);
        Assert.Equal(0.001, options.LearningRate);
        Assert.Equal("/tmp/cache", options.ImageCacheFolder);
        Assert.Equal(2, options.DistillationEpochs);
        Assert.Equal("/tmp/teacher", options.TeacherCacheFolder);
        Assert.Equal(ComputeDevice.Cpu, options.Device);
        Assert.Equal(7, options.Seed);
        Assert.Equal(new DualEncoderOptions().Epochs, options.Epochs);
    }

    [Theory]
    [InlineData("--epochs", "many", "--epochs: 'many' is not whole number")]
    [InlineData("--encoder", "bert", "--encoder: 'bert' is not ngram|miniLm")]
    public void AValueTheSettingCannotTakeIsAUsageError(string flag, string value, string message) =>
        Assert.Equal(message + ".", Assert.Throws<UsageException>(() => Apply(flag, value)).Message);

    [Fact]
    public void ProblemsNameTheFlag() =>
        Assert.Equal(
            "--image-backbone-epochs: fine-tuning the vision model needs the image modality",
            SettingFlags.AsFlagProblem("imageBackboneEpochs: fine-tuning the vision model needs the image modality")
        );
}
