using MlNetIconclass.Collections;

namespace MlNetIconclass.Features;

/// <summary>
/// Image features of records, by their image reference, for one ranking call or one scoring chunk: computed a batch at
/// a time through the model's <see cref="ImageFeaturizer"/> and kept while this object lives, so a record's features
/// are computed once however often it is ranked within it. Its caller owns it (and what it holds goes with it); the
/// featurizer stays the model's. Images that cannot be used are reported through <see cref="Problem"/> and the record
/// goes on without one.
/// </summary>
/// <param name="featurizer">The vision model's pipeline (not owned).</param>
/// <param name="access">Where images may be read from.</param>
/// <param name="warn">Receives each record's image problem.</param>
/// <param name="decodedPixelBudget">The decoded pixels held at once, plus the one image that crosses it.</param>
public sealed class ArtworkImageFeatures(
    ImageFeaturizer featurizer,
    ImageAccess access,
    Action<string>? warn = null,
    long decodedPixelBudget = ArtworkImageFeatures.DefaultDecodedPixelBudget
)
{
    private readonly Dictionary<string, float[]?> _features = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ImageFeaturizer Featurizer => featurizer;

    /// <summary>
    /// Featurizes the images of these records that are not known yet, a pipeline pass per group of images decoded
    /// within the decoded pixel budget.
    /// </summary>
    public void Prepare(IEnumerable<ArtworkRecord> records)
    {
        var pending = records
            .Where(r => !string.IsNullOrWhiteSpace(r.Image))
            .DistinctBy(r => r.Image)
            .Where(r =>
            {
                lock (_lock)
                    return !_features.ContainsKey(r.Image!);
            })
            .ToArray();
        if (pending.Length == 0)
            return;
        foreach (var (_, loaded) in DecodedInGroups(pending, MaxGroup))
        {
            var features = featurizer.Featurize(loaded);
            lock (_lock)
                for (int i = 0; i < loaded.Length; i++)
                {
                    _features[loaded[i].Reference] = features[i];
                    if (loaded[i].Problem is { } problem)
                        Report(loaded[i].RecordId, loaded[i].Reference, problem);
                }
        }
    }

    /// <summary>
    /// What the vision model reads for each record's image (see <see cref="ImageFeaturizer.ModelInputs"/>), a few
    /// images decoded at a time; every record must have a usable image.
    /// </summary>
    public float[][] ModelInputs(IEnumerable<ArtworkRecord> records) =>
        DecodedInGroups(records.ToArray(), maxGroup: 32)
            .SelectMany(group =>
                featurizer
                    .ModelInputs(group.Images)
                    .Select(
                        (input, i) =>
                            input
                            ?? throw new InvalidDataException(
                                $"record '{group.Records[i].Id}', image: {group.Images[i].Problem}"
                            )
                    )
                    .ToArray()
            )
            .ToArray();

    /// <summary>The most images one pipeline pass of <see cref="Prepare"/> featurizes.</summary>
    private const int MaxGroup = 256;

    /// <summary>
    /// The decoded pixels a group holds at most by default, plus the one image that crosses it: a batch of large
    /// photographs (up to <see cref="ArtworkImages.MaxDecodedPixels"/>, 64 MB each as BGRA) is decoded two at a time.
    /// </summary>
    public const long DefaultDecodedPixelBudget = 2L * ArtworkImages.MaxDecodedPixels;

    /// <summary>The most decoded pixels held at once so far (how close to the budget a run came).</summary>
    public long PeakDecodedPixels { get; private set; }

    /// <summary>
    /// The records' images decoded a group at a time, a group ending at <paramref name="maxGroup"/> images or at
    /// <c>decodedPixelBudget</c> pixels; each group's images are freed as the next one is asked for.
    /// </summary>
    private IEnumerable<(ArtworkRecord[] Records, LoadedImage[] Images)> DecodedInGroups(
        ArtworkRecord[] records,
        int maxGroup
    )
    {
        var images = new List<LoadedImage>();
        try
        {
            long pixels = 0;
            int start = 0;
            for (int i = 0; i < records.Length; i++)
            {
                var image = ArtworkImages.Load(records[i].Id, records[i].Image!, access);
                images.Add(image);
                pixels += image.Image is { } decoded ? (long)decoded.Width * decoded.Height : 0;
                PeakDecodedPixels = Math.Max(PeakDecodedPixels, pixels);
                if (images.Count == maxGroup || pixels >= decodedPixelBudget || i == records.Length - 1)
                {
                    yield return (records[start..(i + 1)], images.ToArray());
                    Free(images);
                    pixels = 0;
                    start = i + 1;
                }
            }
        }
        finally
        {
            Free(images);
        }
    }

    private static void Free(List<LoadedImage> images)
    {
        foreach (var image in images)
            image.Image?.Dispose();
        images.Clear();
    }

    /// <summary>The record's image features; null when it has no usable image.</summary>
    public float[]? For(ArtworkRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Image))
            return null;
        lock (_lock)
            if (_features.TryGetValue(record.Image, out var known))
                return known;
        Prepare([record]);
        lock (_lock)
            return _features[record.Image];
    }

    /// <summary>Why the record's image was not used, if it was not.</summary>
    public string? Problem(ArtworkRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Image))
            return null;
        lock (_lock)
            return _problems.GetValueOrDefault(record.Image);
    }

    private void Report(string recordId, string reference, string problem)
    {
        string message = $"record '{recordId}', image: {problem}; scored without its image";
        _problems[reference] = message;
        warn?.Invoke(message);
    }
}
