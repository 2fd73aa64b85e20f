"""Kept while modules move to their new homes: the Project type lives beside the model
(cxsite.model), and reading the project is the pipeline's load stage (cxsite.build)."""

from cxsite.model import Project as Project
from cxsite.model import definitions_digest as definitions_digest
