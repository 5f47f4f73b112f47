"""What a content load reports: one problem with its file and line, and all of them."""


class ContentError(ValueError):
    """A content file is invalid. Carries the file, the line and the problem."""

    def __init__(self, path, line, message):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def __reduce__(self):  # a kept load's warnings are unpickled with their fields
        return type(self), (self.path, self.line, self.message)


class ContentInvalid(RuntimeError):
    """Content failed validation; holds every ContentError found."""

    def __init__(self, errors):
        self.errors = list(errors)
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"{len(self.errors)} content problem(s):\n{lines}")
