"""Pure order logic: the order workflow and checkout steps as data (``workflow``), order numbers
(``numbers``) and the checkout's configuration: shipping methods, payment terms, order limits."""
