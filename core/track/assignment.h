#pragma once

#include <limits>
#include <vector>

namespace autofocus {

// Marks a pair that must never be assigned in a cost matrix passed to SolveAssignment.
constexpr double kForbiddenCost = std::numeric_limits<double>::infinity();

// The result of a rectangular linear assignment.
struct Assignment {
  std::vector<int> row_to_col;  // column assigned to each row, or -1
  std::vector<int> col_to_row;  // row assigned to each column, or -1
  double cost = 0;              // sum of the costs of the assigned (allowed) pairs
  int matched = 0;              // number of assigned pairs
};

// Solves the rectangular linear assignment problem on a row-major `rows` x `cols` cost matrix
// (shortest augmenting paths with potentials, i.e. Hungarian / Jonker-Volgenant, O(k^2 * K) for
// k = min(rows, cols), K = max(rows, cols)). Entries may be any finite value or kForbiddenCost.
// Among all assignments that use only allowed pairs, the result has the largest number of pairs,
// and among those the smallest total cost. Without forbidden entries every row (when rows <= cols)
// or every column is assigned. Deterministic for a given matrix. Throws Error on NaN, -inf or a
// size mismatch.
Assignment SolveAssignment(const std::vector<double>& cost, int rows, int cols);

// One allowed pair of a sparse assignment problem.
struct SparseEdge {
  int row = 0;      // row index
  int col = 0;      // column index
  double cost = 0;  // finite cost
};

// SolveAssignment on a sparse problem: the listed edges (each (row, col) at most once) are the
// candidate pairs and every other pair costs `unlisted_cost`. The problem is split into the
// connected components of the edge graph, each solved densely, which is exact because the
// objective is additive over components; for scattered edges this is far cheaper than one dense
// matrix. Only listed edges are ever reported as matched. With unlisted_cost = kForbiddenCost
// (the default) the semantics are those of SolveAssignment (most pairs, then least cost); with
// unlisted_cost = 0 and costs <= 0 the result is a maximum-weight matching on -cost.
Assignment SolveSparseAssignment(int rows, int cols, const std::vector<SparseEdge>& edges,
                                 double unlisted_cost = kForbiddenCost);

}  // namespace autofocus
