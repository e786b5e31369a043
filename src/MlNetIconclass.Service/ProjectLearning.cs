using MlNetIconclass.Collections;
using MlNetIconclass.Models;

namespace MlNetIconclass.Service;

/// <summary>
/// Teaches a project's model more records (<see cref="IconclassModel.Learn"/>) and writes it to the project's model
/// file before anyone is told: a learning that was answered survives a crash and a restart. One learning at a time per
/// project, so none is lost to another that started from the same model; requests are ranked meanwhile, by the model
/// before it or the one after it, never a mix.
/// </summary>
internal sealed class ProjectLearning(ServedProject project) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>
    /// Refuses, before the service starts, a project whose learning could not be kept: one served without a file, the
    /// bundled model (shared by every user of the installation), or a file or folder the service cannot write.
    /// </summary>
    public static void CheckCanLearn(ServedProject project)
    {
        string refused = $"--allow-learn: project '{project.Id}'";
        string path = project.ModelPath is { } modelPath
            ? Path.GetFullPath(modelPath)
            : throw new ArgumentException($"{refused} was not loaded from a file to write what it learns to.");
        string bundled = Path.GetFullPath(Path.GetDirectoryName(BundledModels.Default)!);
        if (string.Equals(Path.GetDirectoryName(path), bundled, StringComparison.Ordinal))
            throw new ArgumentException(
                $"{refused} serves the bundled model '{path}', which learning would change for every user of this "
                    + "installation; copy it elsewhere and serve the copy."
            );
        try
        {
            using (File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) { }
            // The model is written beside itself, then renamed over the old file.
            string probe = Path.Combine(Path.GetDirectoryName(path)!, $".{Guid.NewGuid():N}.probe");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException(
                $"{refused} cannot write its model file '{path}' or its folder: {exception.Message}",
                exception
            );
        }
    }

    /// <summary>
    /// The records learnt, written and put in place between the batches of the project's <paramref name="queue"/>. A
    /// record that cannot be learnt is refused with a
    /// <see cref="LearningException"/>, and nothing of the call is kept.
    /// </summary>
    public Task LearnAsync(IReadOnlyList<ArtworkRecord> records, RankingQueue queue, CancellationToken cancellation) =>
        // Built while no batch ranks (it embeds the records with the encoder the batches use): a moment.
        ChangeAsync(() => queue.BetweenBatchesAsync(() => project.Model.Learn(records)), queue, cancellation);

    /// <summary>
    /// The project's model with its hybrid chosen again by <paramref name="retune"/>, written and put in place as a
    /// learning is. It is chosen while the batches go on ranking with the model before it (seconds to a minute):
    /// both only read the encoder and the label side they share, so suggestions are answered meanwhile, if slower.
    /// </summary>
    public Task RetuneAsync(
        Func<IconclassModel, CancellationToken, IconclassModel> retune,
        RankingQueue queue,
        CancellationToken cancellation
    ) => ChangeAsync(() => Task.Run(() => retune(project.Model, cancellation), cancellation), queue, cancellation);

    /// <summary>
    /// One change at a time: the model <paramref name="change"/> makes of the project's, written, then put in place
    /// between two batches.
    /// </summary>
    private async Task ChangeAsync(
        Func<Task<IconclassModel>> change,
        RankingQueue queue,
        CancellationToken cancellation
    )
    {
        await _oneAtATime.WaitAsync(cancellation);
        try
        {
            // The project's model changes only here, one change at a time: it is the one the change started from.
            var learned = await change();
            try
            {
                learned.Save(project.ModelPath!);
            }
            catch
            {
                learned.Dispose();
                throw;
            }
            // Written: from here the learning is kept, whether or not the client still waits.
            var replaced = await queue.BetweenBatchesAsync(() => project.Replace(learned, DateTimeOffset.UtcNow));
            replaced.Dispose();
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
}
