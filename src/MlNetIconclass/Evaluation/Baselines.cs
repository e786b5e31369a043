using MlNetIconclass.Retrieval;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Evaluation;

/// <summary>The protocol's three baselines, fitted on training records: frequency prior, BM25 and kNN.</summary>
public static class Baselines
{
    public static IReadOnlyList<ICodeRanker> Fit(
        IconclassThesaurus thesaurus,
        LabeledRecords training,
        QueryFields fields
    )
    {
        var bm25 = new Bm25LabelRanker(thesaurus, fields);
        return [new PriorRanker(training, thesaurus.LabelSpace), bm25, new KnnRanker(training, bm25, fields)];
    }
}
