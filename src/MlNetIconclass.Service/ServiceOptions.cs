using MlNetIconclass.Models;

namespace MlNetIconclass.Service;

/// <summary>How the service listens, and the limits it puts on requests.</summary>
public sealed record ServiceOptions
{
    /// <summary>The models served, one project each.</summary>
    public required IReadOnlyList<ServedProject> Projects { get; init; }

    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 5000;

    /// <summary>
    /// Whether <c>learn</c> is answered: each project then writes what it learns to its model file, which must be
    /// one it can write and not the bundled model (checked at start).
    /// </summary>
    public bool AllowLearn { get; init; }

    /// <summary>
    /// How a project's model chooses its hybrid again for the memory it has grown to, for <c>retune</c> (the command
    /// line gives the training library's <c>HybridRetuning.Retune</c>); null where the host cannot, and <c>retune</c>
    /// is then refused.
    /// </summary>
    public Func<IconclassModel, CancellationToken, IconclassModel>? Retune { get; init; }

    /// <summary>Annif's limit: at most 32 documents in one <c>suggest-batch</c> or <c>learn</c>.</summary>
    public int MaxBatchDocuments { get; init; } = 32;

    /// <summary>The longest text (and title or description) a request may carry.</summary>
    public int MaxTextLength { get; init; } = 20_000;

    /// <summary>The largest request body, an image included.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most pixels an uploaded image is decoded at, read from its header before decoding: 2048 x 2048 by default,
    /// about 16 MB decoded (a JPEG photograph is decoded at a smaller scale; a larger PNG is refused).
    /// </summary>
    public long MaxImagePixels
    {
        get => _maxImagePixels;
        init =>
            _maxImagePixels =
                value > 0
                    ? value
                    : throw new ArgumentException($"--max-image-pixels: {value} is not a number of pixels.");
    }

    private readonly long _maxImagePixels = DefaultMaxImagePixels;

    public const long DefaultMaxImagePixels = 2048 * 2048;

    /// <summary>How many uploaded images the service decodes at once; others wait their turn.</summary>
    public int MaxConcurrentImageDecodes
    {
        get => _maxConcurrentImageDecodes;
        init =>
            _maxConcurrentImageDecodes =
                value > 0 ? value : throw new ArgumentException($"Decoding {value} images at once decodes none.");
    }

    private readonly int _maxConcurrentImageDecodes = 2;

    /// <summary>The longest request target (path and query) answered; a longer one is 414.</summary>
    public int MaxUrlLength { get; init; } = 8 * 1024;

    /// <summary>The most bytes of request headers answered; more is 431.</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>The most records one ranking batches together.</summary>
    public int MaxRankingBatch { get; init; } = 64;

    /// <summary>
    /// How long a batch waits for more requests beyond those queued while the last one ranked; none by default
    /// (a lone request is ranked at once, and under load the queue fills the batches).
    /// </summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.Zero;

    /// <summary>How long in-flight requests get to finish once the service is told to stop.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(25);
}
