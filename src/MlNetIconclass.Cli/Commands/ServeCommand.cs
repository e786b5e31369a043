using System.CommandLine;
using Microsoft.Extensions.Hosting;
using MlNetIconclass.Models;
using MlNetIconclass.Service;
using MlNetIconclass.Thesaurus;
using MlNetIconclass.Training;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// <c>iconclass serve</c>: the Annif-compatible REST service (<see cref="SuggestionService"/>) over one or more models.
/// It refuses to start on a model it cannot load or a port in use; SIGTERM or Ctrl-C lets requests in flight finish.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description =
                "A model to serve as a project, as ID=PATH or PATH (the id is then the file name without its "
                + $"extension; '{BundledModels.PretrainedName}' names the pretrained model); repeat for several "
                + "(default: the bundled model)",
            AllowMultipleArgumentsPerToken = false,
        };
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on (0.0.0.0 for every interface)",
            DefaultValueFactory = _ => "localhost",
        };
        var port = new Option<int>("--port") { Description = "The port to listen on", DefaultValueFactory = _ => 5000 };

        var maxImagePixels = new Option<long>("--max-image-pixels")
        {
            Description = "The most pixels an uploaded image is decoded at, read from its header before decoding",
            DefaultValueFactory = _ => ServiceOptions.DefaultMaxImagePixels,
        };

        var allowLearn = new Option<bool>("--allow-learn")
        {
            Description =
                "Answer learn requests: what a project learns joins its memory at once and is written to its model "
                + "file (which must be writable, and not the bundled model)",
        };

        var command = new Command("serve", "Serve models over an Annif-compatible REST API")
        {
            models,
            host,
            port,
            maxImagePixels,
            allowLearn,
        };
        command.SetAction(
            (result, cancellation) =>
                CommandRunner.RunAsync(async () =>
                {
                    int portNumber = result.GetValue(port);
                    if (portNumber is < 1 or > 65_535)
                        throw new UsageException($"--port: {portNumber} is not a port (1 to 65535).");
                    var thesaurus = IconclassThesaurus.LoadBundled();
                    var projects = new List<ServedProject>();
                    try
                    {
                        // Made before the models load, so that a bad limit is refused at once; the list fills below.
                        var options = new ServiceOptions
                        {
                            Projects = projects,
                            Host = result.GetRequiredValue(host),
                            Port = portNumber,
                            MaxImagePixels = result.GetValue(maxImagePixels),
                            AllowLearn = result.GetValue(allowLearn),
                            Retune = (model, cancellation) =>
                                HybridRetuning.Retune(model, log: Console.Error.WriteLine, cancellation: cancellation),
                        };
                        foreach (var (id, path) in ProjectModels(result.GetValue(models)))
                        {
                            // Uploads are ranked from memory: a request can make a model read no file.
                            var model = IconclassModel.Load(
                                path,
                                thesaurus,
                                new ModelLoadOptions { Log = Console.Error.WriteLine }
                            );
                            projects.Add(new ServedProject(id, model, File.GetLastWriteTimeUtc(path), path));
                        }
                        await using var app = SuggestionService.Create(options, thesaurus);
                        try
                        {
                            await app.StartAsync(cancellation);
                        }
                        catch (IOException exception)
                        {
                            // Kestrel's bind failure (the port in use, an address this host lacks).
                            throw new IOException(
                                $"cannot listen on {options.Host}:{options.Port}: "
                                    + (exception.InnerException ?? exception).Message,
                                exception
                            );
                        }
                        Console.Error.WriteLine(
                            $"serving {string.Join(", ", projects.Select(p => p.Id))} on "
                                + $"http://{options.Host}:{options.Port}/v1 (reference: /scalar, health: /health)"
                        );
                        // Returns once a signal has stopped the host and the requests in flight have finished.
                        await app.WaitForShutdownAsync(cancellation);
                        return ExitCodes.Success;
                    }
                    finally
                    {
                        // Each project's last model: those that learning replaced were disposed by the service.
                        foreach (var project in projects)
                            project.Model.Dispose();
                    }
                })
        );
        return command;
    }

    /// <summary>The projects' ids and model paths; the bundled model alone when none is given.</summary>
    private static IEnumerable<(string Id, string Path)> ProjectModels(string[]? models)
    {
        if (models is null || models.Length == 0)
        {
            yield return ("iconclass-nl", BundledModels.Default);
            yield break;
        }
        foreach (var model in models)
        {
            int equals = model.IndexOf('=');
            yield return equals > 0
                ? (model[..equals], BundledModels.Resolve(model[(equals + 1)..]))
                : (Path.GetFileNameWithoutExtension(model), BundledModels.Resolve(model));
        }
    }
}
